/** Registers every kube-proxy mode at once (the CLI, benchmarks and tests; the app loads them on demand). */
import { registerProxyMode } from './index';
import { ipvsMode } from './ipvs';
import { nftablesMode } from './nftables';
import { userspaceMode } from './userspace';

registerProxyMode(userspaceMode);
registerProxyMode(ipvsMode);
registerProxyMode(nftablesMode);
