// Registry digests: a stable per-record hash, summed per node.
#include "runtime/registry/registry_digest.hpp"

#include <string_view>

namespace smith::registry {

namespace {

constexpr uint64_t fnv_offset = 14695981039346656037ull;
constexpr uint64_t fnv_prime = 1099511628211ull;

/// 64-bit FNV-1a over length-prefixed fields.
class fnv1a {
public:
  void byte(uint8_t b) {
    h_ = (h_ ^ b) * fnv_prime;
  }

  void u64(uint64_t x) {
    for (int i = 0; i < 8; ++i)
      byte(static_cast<uint8_t>(x >> (8 * i))); // little-endian on every platform
  }

  void str(std::string_view s) {
    u64(s.size());
    for (char c : s)
      byte(static_cast<uint8_t>(c));
  }

  uint64_t value() const noexcept { return h_; }

private:
  uint64_t h_ = fnv_offset;
};

// splitmix64's finalizer: spreads FNV's weak high bits so that sums of
// hashes of similar records do not collide.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

uint64_t capability_hash(const capability_info& c) {
  fnv1a h;
  h.str(c.name);
  h.str(c.version);
  h.u64(c.metadata.size());
  for (auto& [k, v] : c.metadata) { // std::map: sorted, so deterministic
    h.str(k);
    h.str(v);
  }
  return mix(h.value());
}

} // namespace

uint64_t digest_hash(const agent_record& r) {
  fnv1a h;
  h.str(r.id.domain);
  h.str(r.id.name);
  h.str(r.id.instance);
  h.str(r.id.version);
  h.str(r.node);
  h.byte(static_cast<uint8_t>(r.state));
  h.byte(static_cast<uint8_t>(r.health_));
  uint64_t caps = 0; // order-independent: capability names are unique per record
  for (auto& c : r.capabilities)
    caps += capability_hash(c);
  h.u64(r.capabilities.size());
  h.u64(caps);
  return mix(h.value());
}

void digest_add(registry_digest& d, uint64_t record_hash) {
  ++d.count;
  d.hash += record_hash; // wrapping: unsigned arithmetic is modulo 2^64
}

void digest_remove(registry_digest& d, uint64_t record_hash) {
  --d.count;
  d.hash -= record_hash;
}

registry_digest digest_of(const std::vector<agent_record>& records) {
  registry_digest d;
  for (auto& r : records)
    digest_add(d, digest_hash(r));
  return d;
}

} // namespace smith::registry
