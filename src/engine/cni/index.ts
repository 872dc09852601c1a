export { cniAdd, cniDel, kubenetConfig, validateInterfaceName, CNI_PATH, CNI_VERSION } from './run';
export type { CniOptions } from './run';
export type * from './types';
export { isLoopbackAddress, listeningContainer } from './loopback';
export * from './vxlan';
export { cniFrames, initialPicture, applyEffect } from './frames';
export type { CniFrame, NodePicture, PicturePart } from './frames';
export { podJoining } from './newPod';
export type { NewPodResult } from './newPod';
