// Unit and component tests run with every kube-proxy mode registered; the browser tests exercise on-demand loading.
import '../../src/engine/proxy/all';
