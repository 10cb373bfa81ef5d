// smith_pch.hpp - the heavy third-party headers almost every translation unit parses.
// Precompiled once per target (cmake/SmithPch.cmake): parsing these costs ~2.8 s of CPU per
// translation unit on the CI machine, a quarter of a sanitizer build. Only headers that are
// stable and configuration-free belong here; project headers never do.
#pragma once

#include <caf/all.hpp>
#include <google/protobuf/message.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>
