// The apiextensions.k8s.io/v1 ConversionReview for BGPPeer (pure). The apiserver sends every
// object of one request together; one that cannot be converted fails the whole review, with the
// object named, as the API requires (a partial answer would be a list with holes).
import type { Obj } from '../api/object.js';
import { convertBGPPeer } from '../api/bgppeer-conversion.js';
import { errorMessage } from '../util/errors.js';

export interface ConversionRequest {
  uid: string;
  desiredAPIVersion: string;
  objects: Obj[];
}

export interface ConversionResponse {
  uid: string;
  convertedObjects: Obj[];
  result: { status: 'Success' } | { status: 'Failure'; message: string };
}

export function convertReview(req: ConversionRequest): ConversionResponse {
  const convertedObjects: Obj[] = [];
  for (const obj of req.objects) {
    try {
      if (obj.kind !== 'BGPPeer') throw new Error(`the MetalLB conversion webhook converts BGPPeers only, not ${obj.kind ?? '(no kind)'}`);
      convertedObjects.push(convertBGPPeer(obj, req.desiredAPIVersion));
    } catch (err) {
      const who = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
      return { uid: req.uid, convertedObjects: [], result: { status: 'Failure', message: `${who}: ${errorMessage(err)}` } };
    }
  }
  return { uid: req.uid, convertedObjects, result: { status: 'Success' } };
}
