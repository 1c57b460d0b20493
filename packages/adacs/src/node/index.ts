export { curateFile, DEFAULT_CURATE_FILE_OPTIONS, MALFORMED_POLICIES } from './curate-file';
export type { CurateFileOptions, CurateFileResult, MalformedLine, MalformedPolicy } from './curate-file';
export { curationReport, curationReportHtml, writeCurationReport } from './curation-report';
export type { CurationReport } from './curation-report';
