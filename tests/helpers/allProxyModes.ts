// Unit and component tests run with the packet engine and every kube-proxy mode loaded up front; the browser
// tests exercise the app's on-demand loading.
import '../../src/engine/proxy/all';
import * as proxy from '../../src/engine/proxy';
import * as trace from '../../src/engine/trace';
import { engineFrom, provideEngine } from '../../src/store/engine';

provideEngine(engineFrom(trace, proxy));
