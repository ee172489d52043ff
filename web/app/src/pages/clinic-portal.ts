// The clinic portal's pages as one chunk: loaded on a clinic's first page, after which a clinic
// that loses its line can still move between all of them (the outbox keeps what it files).
export { default as Clinic } from "./clinic";
export { default as ClinicNew } from "./clinic-new";
export { default as ClinicCase } from "./clinic-case";
export { default as ClinicBook } from "./clinic-book";
