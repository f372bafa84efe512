// The MPI job (Open MPI 4.1 and later; any MPI-3 library). MPI calls are made
// under one mutex, so MPI_THREAD_SERIALIZED is enough while sweep workers take
// chunks from a shared counter and the main thread shares thresholds.
// MPI errors end the whole job (MPI_ERRORS_ARE_FATAL, the default).
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>

#include "base/error.hpp"
#include "cluster/transport.hpp"

namespace eisgrid::cluster::detail {
namespace {

// Messages are sent in pieces of at most this many bytes, as MPI counts are ints.
constexpr std::size_t k_max_message_bytes = std::size_t{1} << 30;
constexpr int k_tag_gather = 1;

// Variables a launcher sets in each rank's environment: Open MPI's mpirun,
// PMIx (srun --mpi=pmix, prterun) and PMI-2 (srun --mpi=pmi2, MPICH's hydra).
constexpr const char* k_launcher_variables[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};

std::mutex g_mpi_mutex;

bool launched_by_a_launcher() {
  return std::any_of(std::begin(k_launcher_variables), std::end(k_launcher_variables), [](const char* v) { return std::getenv(v); });
}

int int_count(std::size_t bytes) { return static_cast<int>(std::min(bytes, k_max_message_bytes)); }

void send_all(std::span<const std::byte> data, int to) {
  std::uint64_t n = data.size();
  MPI_Send(&n, 1, MPI_UINT64_T, to, k_tag_gather, MPI_COMM_WORLD);
  for (std::size_t at = 0; at < data.size(); at += k_max_message_bytes) {
    MPI_Send(data.data() + at, int_count(data.size() - at), MPI_BYTE, to, k_tag_gather, MPI_COMM_WORLD);
  }
}

byte_buffer receive_all(int from) {
  std::uint64_t n = 0;
  MPI_Recv(&n, 1, MPI_UINT64_T, from, k_tag_gather, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  byte_buffer data(n);
  for (std::size_t at = 0; at < data.size(); at += k_max_message_bytes) {
    MPI_Recv(data.data() + at, int_count(data.size() - at), MPI_BYTE, from, k_tag_gather, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  return data;
}

// The numbers live in one window on rank 0: counters (uint64) first, then
// minima (double). A shared lock on every rank for the window's life; each
// operation is flushed before it returns.
class mpi_numbers final : public numbers_backend {
 public:
  mpi_numbers(std::size_t counters, std::size_t minima, int rank) : counters_(counters), minima_(minima) {
    std::lock_guard lock(g_mpi_mutex);
    const std::size_t bytes = rank == 0 ? counters * sizeof(std::uint64_t) + minima * sizeof(double) : 0;
    void* base = nullptr;
    MPI_Win_allocate(static_cast<MPI_Aint>(bytes), 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &window_);
    if (rank == 0) {
      auto* c = static_cast<std::uint64_t*>(base);
      std::fill(c, c + counters, std::uint64_t{0});
      auto* m = reinterpret_cast<double*>(c + counters);
      std::fill(m, m + minima, std::numeric_limits<double>::infinity());
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(0, window_);
  }
  ~mpi_numbers() override {
    std::lock_guard lock(g_mpi_mutex);
    MPI_Win_unlock_all(window_);
    MPI_Win_free(&window_);
  }
  mpi_numbers(const mpi_numbers&) = delete;
  mpi_numbers& operator=(const mpi_numbers&) = delete;

  std::uint64_t fetch_add(std::size_t i, std::uint64_t delta) override {
    if (i >= counters_) throw error(error_kind::internal, "shared counter out of range");
    std::uint64_t before = 0;
    std::lock_guard lock(g_mpi_mutex);
    MPI_Fetch_and_op(&delta, &before, MPI_UINT64_T, 0, static_cast<MPI_Aint>(i * sizeof(std::uint64_t)), MPI_SUM, window_);
    MPI_Win_flush(0, window_);
    return before;
  }
  double fetch_min(std::size_t i, double value) override {
    if (i >= minima_) throw error(error_kind::internal, "shared minimum out of range");
    double before = 0;
    const auto at = static_cast<MPI_Aint>(counters_ * sizeof(std::uint64_t) + i * sizeof(double));
    std::lock_guard lock(g_mpi_mutex);
    MPI_Fetch_and_op(&value, &before, MPI_DOUBLE, 0, at, std::isnan(value) ? MPI_NO_OP : MPI_MIN, window_);
    MPI_Win_flush(0, window_);
    return before;
  }

 private:
  std::size_t counters_;
  std::size_t minima_;
  MPI_Win window_ = MPI_WIN_NULL;
};

class mpi_transport final : public transport {
 public:
  mpi_transport(int& argc, char**& argv) {
    int provided = 0;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
      throw error(error_kind::internal, "cannot join the MPI job: MPI_Init_thread failed");
    }
    if (provided < MPI_THREAD_SERIALIZED) {
      MPI_Finalize();
      throw error(error_kind::internal, "the MPI library offers no MPI_THREAD_SERIALIZED, which eisgrid's threads need");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm node = MPI_COMM_NULL;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_ranks_);
    MPI_Comm_free(&node);
  }
  ~mpi_transport() override { MPI_Finalize(); }
  mpi_transport(const mpi_transport&) = delete;
  mpi_transport& operator=(const mpi_transport&) = delete;

  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }
  int node_ranks() const noexcept override { return node_ranks_; }

  void broadcast(byte_buffer& data) override {
    std::lock_guard lock(g_mpi_mutex);
    std::uint64_t n = data.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    data.resize(n);
    for (std::size_t at = 0; at < data.size(); at += k_max_message_bytes) {
      MPI_Bcast(data.data() + at, int_count(data.size() - at), MPI_BYTE, 0, MPI_COMM_WORLD);
    }
  }

  void gather(std::span<const std::byte> data, const gather_sink& on_root) override {
    if (rank_ != 0) {
      std::lock_guard lock(g_mpi_mutex);
      send_all(data, 0);
      return;
    }
    on_root(0, data);
    for (int from = 1; from < size_; ++from) {
      byte_buffer received;
      {
        std::lock_guard lock(g_mpi_mutex);
        received = receive_all(from);
      }
      on_root(from, received);
    }
  }

  std::unique_ptr<numbers_backend> make_numbers(std::size_t counters, std::size_t minima) override {
    return std::make_unique<mpi_numbers>(counters, minima, rank_);
  }

 private:
  int rank_ = 0;
  int size_ = 1;
  int node_ranks_ = 1;
};

}  // namespace

std::unique_ptr<transport> join_launched_job(int& argc, char**& argv) {
  if (!launched_by_a_launcher()) return nullptr;
  return std::make_unique<mpi_transport>(argc, argv);
}

}  // namespace eisgrid::cluster::detail
