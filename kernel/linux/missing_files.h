// missing_files.h: with the manifest flag missing_files (ops run --missing-files), the kernel
// remembers every path the program looked up that the image does not have, and lists them when
// the program exits, so users know what to add with Files, Dirs or MapDirs.
#pragma once

void missing_files_enable();
// Records an absolute or cwd-relative path that resolved to ENOENT (deduplicated, bounded).
void missing_files_record(const char* cwd, const char* path);
// Prints the list (nothing when disabled or empty).
void missing_files_report();
