// Labels shared by the renderer (which sets them) and the reconciler (which selects by them).
export const OWNER_LABEL = 'metallb.io/owner';
export const MANAGED_SELECTOR = 'app.kubernetes.io/managed-by=metallb-operator';
