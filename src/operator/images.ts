// Container images: from the operator's environment (set by the CSV / Deployment), with defaults.
export interface Images {
  controller: string;
  speaker: string;
  frr: string;
}

// The same defaults as config/manager (and so the CSV): the frr sidecar runs the speaker image,
// which carries Debian bookworm's FRR 8.4 (what the tests run against), so the speaker's vtysh
// and the sidecar's daemons are one build.
export const DEFAULT_IMAGES: Images = {
  controller: 'quay.io/metallb-operator-ts/metallb:v0.1.0',
  speaker: 'quay.io/metallb-operator-ts/speaker:v0.1.0',
  frr: 'quay.io/metallb-operator-ts/speaker:v0.1.0',
};

export function imagesFromEnv(env: NodeJS.ProcessEnv): Images {
  return {
    controller: env['CONTROLLER_IMAGE'] || DEFAULT_IMAGES.controller,
    speaker: env['SPEAKER_IMAGE'] || DEFAULT_IMAGES.speaker,
    frr: env['FRR_IMAGE'] || DEFAULT_IMAGES.frr,
  };
}
