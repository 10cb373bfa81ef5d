// A fresh directory under the system temp dir, removed with everything in it on destruction.
#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace smith::test {

/// Owns a fresh directory `<tmp>/<stem>-<random>` and removes it with its contents.
class temp_dir {
public:
  /// Creates the directory (throws std::filesystem::filesystem_error if it cannot).
  explicit temp_dir(const std::string& stem = "smith-test") {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / (stem + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// The directory.
  const std::filesystem::path& path() const { return path_; }
  /// `sub` inside the directory, as a string (the directory itself for "").
  std::string str(const std::string& sub = "") const { return (path_ / sub).string(); }

private:
  std::filesystem::path path_;
};

} // namespace smith::test
