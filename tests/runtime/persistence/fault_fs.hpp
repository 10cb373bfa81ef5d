// A RocksDB file system that can be made "full" or "failing": while a switch is on, every write
// to a file fails with NoSpace (a full disk) or IOError (EIO from a failing device), and works
// again once it is off.
#pragma once

#include <atomic>
#include <memory>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

namespace smith::test {

/// A writable file whose appends fail with NoSpace while `full` is set.
class fault_file : public rocksdb::FSWritableFileOwnerWrapper {
public:
  fault_file(std::unique_ptr<rocksdb::FSWritableFile> f, const std::atomic<bool>& full,
             const std::atomic<bool>& failing)
    : FSWritableFileOwnerWrapper(std::move(f)), full_(full), failing_(failing) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* d) override {
    return faulty() ? fault() : target()->Append(data, o, d);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo& v,
                           rocksdb::IODebugContext* d) override {
    return faulty() ? fault() : target()->Append(data, o, v, d);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t off,
                                     const rocksdb::IOOptions& o,
                                     rocksdb::IODebugContext* d) override {
    return faulty() ? fault() : target()->PositionedAppend(data, off, o, d);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    return faulty() ? fault() : target()->Sync(o, d);
  }

  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    return faulty() ? fault() : target()->Fsync(o, d);
  }

private:
  bool faulty() const { return full_ || failing_; }
  rocksdb::IOStatus fault() const {
    return full_ ? rocksdb::IOStatus::NoSpace("injected: disk full")
                 : rocksdb::IOStatus::IOError("injected: EIO");
  }
  const std::atomic<bool>& full_;
  const std::atomic<bool>& failing_;
};

/// The default file system, with a switch that makes the disk full.
class fault_fs : public rocksdb::FileSystemWrapper {
public:
  fault_fs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

  static const char* kClassName() { return "smith_fault_fs"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* out,
                                    rocksdb::IODebugContext* d) override {
    if (full)
      return rocksdb::IOStatus::NoSpace("injected: disk full");
    if (failing)
      return rocksdb::IOStatus::IOError("injected: EIO");
    auto st = target()->NewWritableFile(name, o, out, d);
    if (st.ok())
      *out = std::make_unique<fault_file>(std::move(*out), full, failing);
    return st;
  }

  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& o,
                                 uint64_t* space, rocksdb::IODebugContext* d) override {
    if (!full)
      return target()->GetFreeSpace(path, o, space, d);
    *space = 0;
    return rocksdb::IOStatus::OK();
  }

  /// While true, creating or writing files fails with NoSpace and no space is free.
  std::atomic<bool> full{false};
  /// While true, creating or writing files fails with IOError; free space is unchanged.
  std::atomic<bool> failing{false};
};

/// An Env over a fault_fs; keep both alive for as long as a database uses the Env.
struct fault_env {
  std::shared_ptr<fault_fs> fs = std::make_shared<fault_fs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
};

} // namespace smith::test
