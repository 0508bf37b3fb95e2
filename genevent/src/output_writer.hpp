// Puts generated files into the output directory all at once or not at all
// (as far as a POSIX file system allows): everything is written under
// temporary names first and only renamed into place when every write
// succeeded, so a failed run never leaves a mix of old and new files.
#pragma once

#include "text.hpp"

#include <string>

namespace genevent {

// If `dir` does not exist, the files are written into a temporary directory
// next to it, which is then renamed to `dir`. If it exists, each file is
// written as a dot-prefixed temporary inside it and renamed over its target.
// Files in `dir` that genevent does not write are left alone. Throws
// Diagnostic naming the path that failed.
void write_outputs(const std::string& dir, const Outputs& outputs);

} // namespace genevent
