// A fresh temporary directory removed (recursively) when destroyed.
#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace smith::test {

class persist_temp_dir {
public:
  persist_temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path()
            / ("smith-persist-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~persist_temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  persist_temp_dir(const persist_temp_dir&) = delete;
  persist_temp_dir& operator=(const persist_temp_dir&) = delete;

  /// The path of a database inside the directory.
  std::string db() const { return (path_ / "db").string(); }

private:
  std::filesystem::path path_;
};

} // namespace smith::test
