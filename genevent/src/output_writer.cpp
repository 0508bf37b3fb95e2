#include "output_writer.hpp"

#include "diagnostic.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace genevent {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& path, const char* what, int error) {
    throw Diagnostic(path.string(), 0, std::string(what) + ": " + std::strerror(error));
}

// mkstemp/mkdtemp create private (0600/0700) entries; generated files get the
// permissions an ordinary open() would give them.
mode_t current_umask() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

void write_all(int fd, const fs::path& path, const std::string& contents) {
    const char* data = contents.data();
    size_t left = contents.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail(path, "cannot write", errno);
        }
        data += n;
        left -= static_cast<size_t>(n);
    }
}

// Creates a uniquely named temporary file in `dir` holding `contents`.
fs::path write_temp_file(const fs::path& dir, const OutputFile& file, mode_t mode) {
    std::string name = (dir / ("." + file.name + ".genevent-XXXXXX")).string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) {
        fail(dir / file.name, "cannot create", errno);
    }
    const fs::path path(name);
    try {
        if (::fchmod(fd, mode) != 0) {
            fail(path, "cannot set permissions of", errno);
        }
        write_all(fd, path, file.contents);
    } catch (...) {
        ::close(fd);
        ::unlink(name.c_str());
        throw;
    }
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(name.c_str());
        fail(path, "cannot write", error);
    }
    return path;
}

// Output directory exists: temporaries inside it, renamed once all exist.
void write_into_existing(const fs::path& dir, const Outputs& outputs, mode_t mode) {
    std::vector<fs::path> temps;
    try {
        for (const OutputFile& file : outputs) {
            temps.push_back(write_temp_file(dir, file, mode));
        }
        // The one foreseeable reason a rename fails: a directory in the way.
        // Checked for every file first, so no file is replaced unless all
        // can be.
        for (const OutputFile& file : outputs) {
            std::error_code ec;
            if (fs::is_directory(fs::symlink_status(dir / file.name, ec))) {
                throw Diagnostic((dir / file.name).string(), 0, "cannot replace: Is a directory");
            }
        }
        for (size_t i = 0; i < outputs.size(); ++i) {
            if (std::rename(temps[i].c_str(), (dir / outputs[i].name).c_str()) != 0) {
                fail(dir / outputs[i].name, "cannot replace", errno);
            }
            temps[i].clear();
        }
    } catch (...) {
        for (const fs::path& temp : temps) {
            if (!temp.empty()) {
                ::unlink(temp.c_str());
            }
        }
        throw;
    }
}

// Output directory missing: build it under a temporary name beside it, then
// rename the whole directory into place.
void write_new_directory(const fs::path& dir, const Outputs& outputs, mode_t mode,
                         mode_t dir_mode) {
    fs::path parent = dir.parent_path();
    if (parent.empty()) {
        parent = ".";
    }
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
        throw Diagnostic(parent.string(), 0, "cannot create directory: " + ec.message());
    }
    std::string name = (parent / ("." + dir.filename().string() + ".genevent-XXXXXX")).string();
    if (::mkdtemp(name.data()) == nullptr) {
        fail(dir, "cannot create a temporary directory for", errno);
    }
    const fs::path temp(name);
    try {
        if (::chmod(temp.c_str(), dir_mode) != 0) {
            fail(temp, "cannot set permissions of", errno);
        }
        for (const OutputFile& file : outputs) {
            const fs::path path = temp / file.name;
            const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
            if (fd < 0) {
                fail(path, "cannot create", errno);
            }
            try {
                write_all(fd, path, file.contents);
            } catch (...) {
                ::close(fd);
                throw;
            }
            if (::close(fd) != 0) {
                fail(path, "cannot write", errno);
            }
        }
        if (std::rename(temp.c_str(), dir.c_str()) != 0) {
            const int error = errno;
            if (error != EEXIST && error != ENOTEMPTY) {
                fail(dir, "cannot create", error);
            }
            // Someone created it meanwhile: fall back to file-by-file.
            fs::remove_all(temp, ec);
            write_into_existing(dir, outputs, mode);
        }
    } catch (...) {
        fs::remove_all(temp, ec);
        throw;
    }
}

} // namespace

void write_outputs(const std::string& dir_name, const Outputs& outputs) {
    fs::path dir(dir_name);
    if (!dir.has_filename() && dir.has_parent_path()) {
        dir = dir.parent_path(); // "out/" names the directory "out"
    }
    const mode_t mask = current_umask();
    const mode_t mode = 0666 & ~mask;
    const mode_t dir_mode = 0777 & ~mask;
    std::error_code ec;
    const fs::file_status status = fs::status(dir, ec);
    if (fs::exists(status)) {
        if (!fs::is_directory(status)) {
            throw Diagnostic(dir_name, 0, "output exists and is not a directory");
        }
        write_into_existing(dir, outputs, mode);
    } else {
        write_new_directory(dir, outputs, mode, dir_mode);
    }
}

} // namespace genevent
