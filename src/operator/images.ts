// Container images: from the operator's environment (set by the CSV / Deployment), with defaults.
export interface Images {
  controller: string;
  speaker: string;
  frr: string;
}

export const DEFAULT_IMAGES: Images = {
  controller: 'quay.io/metallb-operator-ts/metallb:v0.1.0',
  speaker: 'quay.io/metallb-operator-ts/metallb:v0.1.0',
  // Debian's FRR 8.4 is what the tests run against; the sidecar uses the same release.
  frr: 'quay.io/frrouting/frr:8.4.4',
};

export function imagesFromEnv(env: NodeJS.ProcessEnv): Images {
  return {
    controller: env['CONTROLLER_IMAGE'] || DEFAULT_IMAGES.controller,
    speaker: env['SPEAKER_IMAGE'] || DEFAULT_IMAGES.speaker,
    frr: env['FRR_IMAGE'] || DEFAULT_IMAGES.frr,
  };
}
