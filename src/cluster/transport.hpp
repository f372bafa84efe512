#pragma once
// Internal to the cluster module: what a job of ranks must provide. The MPI
// transport (mpi_transport.cpp) exists only in builds with EISGRID_MPI; the
// solo transport is the job of one process.

#include <cstdint>
#include <memory>
#include <span>

#include "cluster/world.hpp"

namespace eisgrid::cluster::detail {

class numbers_backend {
 public:
  virtual ~numbers_backend() = default;
  virtual std::uint64_t fetch_add(std::size_t i, std::uint64_t delta) = 0;
  virtual double fetch_min(std::size_t i, double value) = 0;
};

class transport {
 public:
  virtual ~transport() = default;
  [[nodiscard]] virtual int rank() const noexcept = 0;
  [[nodiscard]] virtual int size() const noexcept = 0;
  [[nodiscard]] virtual int node_ranks() const noexcept = 0;  // ranks on this machine, this one included
  virtual void broadcast(byte_buffer& data) = 0;
  virtual void gather(std::span<const std::byte> data, const gather_sink& on_root) = 0;
  [[nodiscard]] virtual std::unique_ptr<numbers_backend> make_numbers(std::size_t counters, std::size_t minima) = 0;
};

[[nodiscard]] std::unique_ptr<transport> make_solo_transport();
// The MPI job this process was launched into, or nullptr when no launcher
// started it (or the build has no MPI). Throws error(internal) if MPI fails.
[[nodiscard]] std::unique_ptr<transport> join_launched_job(int& argc, char**& argv);

// The transport in use: the session's, else the solo one.
[[nodiscard]] transport& current() noexcept;

}  // namespace eisgrid::cluster::detail
