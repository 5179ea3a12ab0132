export { type FailureChunk, type ToolOutputData, ToolOutputDataSchema } from './data.js';
export { readToolOutput, STDIN_PATH, type ToolOutputGatherOptions, toolOutputGatherer } from './gatherer.js';
