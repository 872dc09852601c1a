import { register } from 'node:module';

register('./yaml-hooks.mjs', import.meta.url);
