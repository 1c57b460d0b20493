export { JsonlResultStore } from './node/jsonl-result-store';
export { readDatasetFile } from './node/read-dataset-file';
export { writeReport } from './node/write-report';
