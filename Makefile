# bitvote — build, run, test, bench.   `make help` lists the targets and opt-ins.
#
#   make            build/bitvote, build/test_kernels, build/bench_kernels
#   make run        deps -> build -> Fashion-MNIST -> info, 4-rank training: s3gd vs sgd (see README)
#   make test       every suite; ends with "N passed, N failed"
#   make bench      Google Benchmark of every kernel on every tier the CPU has
#                   (BENCH_ARGS='--benchmark_filter=...' narrows it)
#   make sweep      4-rank TCP sweep of every vote strategy, 1K..32M coordinates
#                   (SWEEP_ARGS='--best-baseline ...' adds flags)
#   make fuzz       libFuzzer (clang, ASan + UBSan) on every tests/fuzz/fuzz_<target>.cpp:
#                   FUZZ_TIME seconds each (default 60), or FUZZ_RUNS=N inputs each;
#                   FUZZ_TARGETS="checkpoint_read ..." runs only those;
#                   installs clang-14 and libclang-rt-14-dev first (`make test`
#                   replays the seed corpus tests/fuzz/corpus/<target>/ with g++)
#
# Opt-ins: NATIVE=1 (-march=native, never the default: a binary built on a
# login node must run on the compute nodes), DEBUG=1 (-O0), SANITIZE=address|undefined.

BUILD    := build
CXX      := g++
MPICXX   := mpicxx
STD      := -std=c++20
WARN     := -Wall -Wextra
OPT      := -O2 -g
ifeq ($(DEBUG),1)
OPT      := -O0 -g
endif
ifeq ($(NATIVE),1)
OPT      += -march=native
endif
ifneq ($(SANITIZE),)
OPT      += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDSAN    := -fsanitize=$(SANITIZE)
endif
CXXFLAGS := $(STD) $(WARN) $(OPT) -MMD -MP -Ikernels -Isrc -Idatasets -DOMPI_SKIP_MPICXX -fopenmp
LDFLAGS  := $(LDSAN) -fopenmp

# The trainer's per-coordinate loops (momentum, error memory, updates) are
# memory-bound: let GCC vectorise them with the baseline ISA (SSE2) even at
# -O2. Kernels keep plain -O2: their SIMD is written out, per tier.
APP_VEC  := -ftree-vectorize -fvect-cost-model=dynamic

# Each kernel tier is its own set of translation units with explicit flags;
# dispatch.cpp picks one at run time from CPUID (BITVOTE_ISA forces one).
AVX2_FLAGS   := -mavx2 -mfma -mbmi -mbmi2 -mlzcnt -mpopcnt
AVX512_FLAGS := $(AVX2_FLAGS) -mavx512f -mavx512bw -mavx512vl -mavx512dq

HDF5_CFLAGS := $(shell pkg-config --cflags hdf5-openmpi 2>/dev/null)
HDF5_LIBS   := $(shell pkg-config --libs hdf5-openmpi 2>/dev/null)
GTEST_LIBS  := $(shell pkg-config --libs gtest 2>/dev/null || echo -lgtest) -pthread
BENCH_LIBS  := $(shell pkg-config --libs benchmark 2>/dev/null || echo -lbenchmark) -pthread
DNNL_LIBS   := -ldnnl
APP_LIBS    := $(HDF5_LIBS) $(DNNL_LIBS) -lz

# kernels/ -> libbitvote_kernels.a (no MPI); src/ + datasets/ less main.cpp ->
# libbitvote_app.a (MPI, HDF5, oneDNN); each test directory is one binary.
# Kernel objects link in this order, tiers last and avx512 after avx2: where a
# tier's translation unit and an earlier one both instantiate the same inline
# or template function (std::sort, ...), the linker keeps the first copy, so
# code built with -mavx512* never stands in for the scalar or avx2 one. That is
# the second line of defence: the tiers' shared bodies keep their helpers in
# the tier's own namespace (kernels/tiers.h), and tests/e2e/tier_symbols.sh
# checks that no tier object defines a weak symbol another tier also defines.
KERNEL_TIER_SRC := $(foreach t,scalar avx2 avx512,$(wildcard kernels/*_$(t).cpp))
KERNEL_SRC := $(filter-out $(KERNEL_TIER_SRC),$(wildcard kernels/*.cpp)) $(KERNEL_TIER_SRC)
APP_SRC    := $(filter-out src/main.cpp,$(wildcard src/*.cpp src/*/*.cpp datasets/*.cpp))
UNIT_SRC   := $(wildcard tests/unit/*.cpp)
APPTEST_SRC:= $(wildcard tests/app/*.cpp)
MPITEST_SRC:= $(wildcard tests/mpi/*.cpp)
# tests/fuzz: one fuzz_<target>.cpp per target (LLVMFuzzerTestOneInput), the
# helpers they share, and replay_main.cpp, which turns a target into a g++
# program that replays its corpus (make test) instead of fuzzing (make fuzz).
FUZZ_TARGET_SRC := $(wildcard tests/fuzz/fuzz_*.cpp)
FUZZ_TARGETS    := $(FUZZ_TARGET_SRC:tests/fuzz/fuzz_%.cpp=%)
FUZZ_HELPER_SRC := $(filter-out $(FUZZ_TARGET_SRC) tests/fuzz/replay_main.cpp,$(wildcard tests/fuzz/*.cpp))
BENCH_SRC  := $(wildcard bench/*.cpp)
MODELBENCH_SRC := $(wildcard bench/model/*.cpp)

KERNEL_OBJ := $(KERNEL_SRC:%.cpp=$(BUILD)/%.o)
APP_OBJ    := $(APP_SRC:%.cpp=$(BUILD)/%.o)
UNIT_OBJ   := $(UNIT_SRC:%.cpp=$(BUILD)/%.o)
APPTEST_OBJ:= $(APPTEST_SRC:%.cpp=$(BUILD)/%.o)
MPITEST_OBJ:= $(MPITEST_SRC:%.cpp=$(BUILD)/%.o)
FUZZ_OBJ   := $(FUZZ_TARGET_SRC:%.cpp=$(BUILD)/%.o) $(FUZZ_HELPER_SRC:%.cpp=$(BUILD)/%.o) $(BUILD)/tests/fuzz/replay_main.o
BENCH_OBJ  := $(BENCH_SRC:%.cpp=$(BUILD)/%.o)
MODELBENCH_OBJ := $(MODELBENCH_SRC:%.cpp=$(BUILD)/%.o)
ALL_OBJ    := $(KERNEL_OBJ) $(APP_OBJ) $(UNIT_OBJ) $(APPTEST_OBJ) $(MPITEST_OBJ) $(FUZZ_OBJ) $(BENCH_OBJ) $(MODELBENCH_OBJ) $(BUILD)/src/main.o
APP_LIB    := $(BUILD)/libbitvote_app.a

PROGRAMS := $(BUILD)/bitvote $(BUILD)/test_kernels $(BUILD)/bench_kernels \
            $(if $(APPTEST_SRC),$(BUILD)/test_app) $(if $(MPITEST_SRC),$(BUILD)/test_mpi) \
            $(if $(MODELBENCH_SRC),$(BUILD)/bench_model) $(FUZZ_TARGETS:%=$(BUILD)/fuzz_replay_%)

# Builds inside `make run` / `make test` use every core.
NPROC := $(shell nproc 2>/dev/null || echo 2)

# The pkg-config flags above are read when make parses this file, so a build
# must start in a make process that began after the packages were installed:
# `run` and `test` install first (`deps`), then build in a sub-make. A plain
# `make` on a machine without them stops here with one clear line.
NEEDS_DEPS := $(if $(MAKECMDGOALS),$(filter-out run test fuzz deps found help clean,$(MAKECMDGOALS)),all)
ifneq ($(NEEDS_DEPS),)
ifneq ($(shell command -v $(MPICXX) >/dev/null 2>&1 && pkg-config --exists hdf5-openmpi && test -e /usr/include/oneapi/dnnl/dnnl.hpp && test -e /usr/include/CLI/CLI.hpp && test -e /usr/include/nlohmann/json.hpp && echo ok),ok)
$(error build dependencies missing (MPI, parallel HDF5, oneDNN, CLI11 or nlohmann-json): run `make deps` as root, or `make run` / `make test`, which install them first; `make found` lists what is there)
endif
endif

# MPI as root (containers, CI): OpenMPI refuses root unless told.
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1

.PHONY: all test bench sweep run fuzz fuzz-run deps found clean help FORCE
all: $(PROGRAMS)

# Rebuild everything when the flags change (DEBUG=1, SANITIZE=..., NATIVE=1).
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CXXFLAGS) $(APP_VEC) $(LDFLAGS)' | cmp -s - $@ || echo '$(CXXFLAGS) $(APP_VEC) $(LDFLAGS)' > $@

# Kernels build with plain g++ (no MPI, no oneDNN, no HDF5).
$(BUILD)/kernels/%_avx2.o:   TIER_FLAGS := $(AVX2_FLAGS)
$(BUILD)/kernels/%_avx512.o: TIER_FLAGS := $(AVX512_FLAGS)
$(BUILD)/kernels/%.o: kernels/%.cpp $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(TIER_FLAGS) -c $< -o $@

$(APP_LIB): $(APP_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/unit/%.o: tests/unit/%.cpp $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -Itests -c $< -o $@

$(BUILD)/tests/%.o: tests/%.cpp $(BUILD)/.flags
	@mkdir -p $(@D)
	$(MPICXX) $(CXXFLAGS) $(HDF5_CFLAGS) -Itests -c $< -o $@

$(BUILD)/bench/model/%.o: bench/model/%.cpp $(BUILD)/.flags
	@mkdir -p $(@D)
	$(MPICXX) $(CXXFLAGS) $(HDF5_CFLAGS) -c $< -o $@

$(BUILD)/bench/%.o: bench/%.cpp $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(BUILD)/src/%.o: src/%.cpp $(BUILD)/.flags
	@mkdir -p $(@D)
	$(MPICXX) $(CXXFLAGS) $(APP_VEC) $(HDF5_CFLAGS) -c $< -o $@

$(BUILD)/datasets/%.o: datasets/%.cpp $(BUILD)/.flags
	@mkdir -p $(@D)
	$(MPICXX) $(CXXFLAGS) $(HDF5_CFLAGS) -c $< -o $@

$(BUILD)/test_kernels: $(UNIT_OBJ) $(KERNEL_OBJ)
	$(CXX) $^ -o $@ $(LDFLAGS) $(GTEST_LIBS)

$(BUILD)/bench_kernels: $(BENCH_OBJ) $(KERNEL_OBJ)
	$(CXX) $^ -o $@ $(LDFLAGS) $(BENCH_LIBS)

$(BUILD)/test_app: $(APPTEST_OBJ) $(APP_LIB) $(KERNEL_OBJ)
	$(MPICXX) $^ -o $@ $(LDFLAGS) $(APP_LIBS) $(GTEST_LIBS)

$(BUILD)/test_mpi: $(MPITEST_OBJ) $(APP_LIB) $(KERNEL_OBJ)
	$(MPICXX) $^ -o $@ $(LDFLAGS) $(APP_LIBS) $(GTEST_LIBS)

$(BUILD)/bench_model: $(MODELBENCH_OBJ) $(APP_LIB) $(KERNEL_OBJ)
	$(MPICXX) $^ -o $@ $(LDFLAGS) $(APP_LIBS) $(BENCH_LIBS)

$(BUILD)/bitvote: $(BUILD)/src/main.o $(APP_LIB) $(KERNEL_OBJ)
	$(MPICXX) $^ -o $@ $(LDFLAGS) $(APP_LIBS)

# A fuzz target as a corpus replayer (make test): the target, its helpers, replay_main.
$(BUILD)/fuzz_replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay_main.o \
                        $(FUZZ_HELPER_SRC:%.cpp=$(BUILD)/%.o) $(APP_LIB) $(KERNEL_OBJ)
	$(MPICXX) $^ -o $@ $(LDFLAGS) $(APP_LIBS)

# ---- what users run ---------------------------------------------------------
test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@tests/run_suites.sh

bench: $(BUILD)/bench_kernels
	$(BUILD)/bench_kernels --benchmark_counters_tabular=true $(BENCH_ARGS)

# Fashion-MNIST from Debian's dataset-fashion-mnist, converted once (written
# to a temp name and renamed, so an interrupted run leaves no half file).
FMNIST := datasets/fashion-mnist.h5
$(FMNIST): | $(BUILD)/bitvote
	$(BUILD)/bitvote data fmnist --out $@

# The README's first command: the tier and libraries, then a short training run
# on 4 ranks over TCP (so bytes on the wire are measured): mlp, 1 epoch of
# Fashion-MNIST, with s3gd and with the fp32 sgd baseline; then both side by
# side (bench/compare_runs.py). Run files land in build/run/<method>/.
run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@$(MAKE) --no-print-directory $(FMNIST)
	$(BUILD)/bitvote info
	for method in s3gd sgd; do \
	  OMP_NUM_THREADS=1 OMPI_MCA_btl_base_warn_component_unused=0 mpirun --oversubscribe -np 4 --mca btl tcp,self \
	    $(BUILD)/bitvote train --data $(FMNIST) --model mlp --method $$method --epochs 1 \
	    --out $(BUILD)/run/$$method || exit 1; \
	done
	@echo; /usr/bin/python3 bench/compare_runs.py $(BUILD)/run/s3gd $(BUILD)/run/sgd

clean:
	rm -rf $(BUILD)

# ---- make fuzz: every target under libFuzzer --------------------------------
# Everything the targets may call (kernels/, src/ less main.cpp, datasets/,
# the tests/fuzz helpers) is compiled again with clang, -O1, AddressSanitizer
# and UndefinedBehaviorSanitizer and coverage instrumentation
# (-fsanitize=fuzzer-no-link) into $(FUZZ_BUILD); each target links libFuzzer.
# New inputs go to $(FUZZ_BUILD)/corpus/<target> (the seed corpus
# tests/fuzz/corpus/<target> is only read), a crashing input to
# $(FUZZ_BUILD)/artifacts/<target>/: fix the bug, then copy the input into the
# seed corpus so `make test` replays it from then on. allocator_may_return_null:
# HDF5 (not instrumented) mallocs sizes it read from corrupt bytes and handles
# a NULL, as glibc's malloc returns for an impossible size; our own code's
# impossible sizes then throw std::bad_alloc, which a target reports. Leaks in
# libraries we do not build are suppressed (tests/fuzz/lsan.supp).
FUZZ_TIME     := 60
FUZZ_RUNS     :=
FUZZ_LIMIT     = $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_TIME))
FUZZ_BUILD    := $(BUILD)/fuzz
FUZZ_CXX      := clang++-14
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CXXFLAGS := $(STD) $(WARN) -O1 -g $(FUZZ_SAN) -MMD -MP -Ikernels -Isrc -Idatasets -Itests -DOMPI_SKIP_MPICXX \
                 -fopenmp $(HDF5_CFLAGS)
FUZZ_KERNEL_OBJ := $(KERNEL_SRC:%.cpp=$(FUZZ_BUILD)/%.o)
FUZZ_APP_OBJ    := $(APP_SRC:%.cpp=$(FUZZ_BUILD)/%.o) $(FUZZ_HELPER_SRC:%.cpp=$(FUZZ_BUILD)/%.o)
FUZZ_APP_LIB    := $(FUZZ_BUILD)/libbitvote_fuzz.a
# Objects only the fuzz pattern rules name: kept, not deleted as intermediate files.
.SECONDARY: $(FUZZ_OBJ) $(FUZZ_TARGET_SRC:%.cpp=$(FUZZ_BUILD)/%.o) $(FUZZ_KERNEL_OBJ)

fuzz:
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES="$(FUZZ_PACKAGES)"
	@$(MAKE) --no-print-directory -j$(NPROC) $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
	@$(MAKE) --no-print-directory fuzz-run

# Runs every target; prints its executions and ends at the first crash.
fuzz-run:
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t; \
	  echo "== fuzz $$t ($(FUZZ_LIMIT))"; \
	  ASAN_OPTIONS=allocator_may_return_null=1 LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1 \
	  $(FUZZ_BUILD)/fuzz_$$t $(FUZZ_LIMIT) -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t \
	    >$(FUZZ_BUILD)/$$t.log 2>&1; rc=$$?; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_BUILD)/$$t.log); \
	  if [ $$rc -ne 0 ]; then tail -40 $(FUZZ_BUILD)/$$t.log; \
	    echo "fuzz $$t: CRASH (exit $$rc); input in $(FUZZ_BUILD)/artifacts/$$t/, log $(FUZZ_BUILD)/$$t.log"; exit 1; fi; \
	  echo "fuzz $$t: $$runs executions, 0 crashes, corpus $$(ls $(FUZZ_BUILD)/corpus/$$t | wc -l) new + $$(ls tests/fuzz/corpus/$$t | wc -l) seed inputs"; \
	done

$(FUZZ_BUILD)/kernels/%_avx2.o:   FUZZ_TIER_FLAGS := $(AVX2_FLAGS)
$(FUZZ_BUILD)/kernels/%_avx512.o: FUZZ_TIER_FLAGS := $(AVX512_FLAGS)
$(FUZZ_BUILD)/%.o: %.cpp
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) $(FUZZ_TIER_FLAGS) $(if $(filter $(FUZZ_BUILD)/tests/fuzz/fuzz_%,$@),-fsanitize=fuzzer,-fsanitize=fuzzer-no-link) -c $< -o $@

$(FUZZ_APP_LIB): $(FUZZ_APP_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_APP_LIB) $(FUZZ_KERNEL_OBJ)
	$(FUZZ_CXX) $(FUZZ_SAN) -fsanitize=fuzzer -fopenmp $^ -o $@ $(APP_LIBS)

# ---- dependencies -------------------------------------------------------------
# Debian packages; installed when root with apt-get, else listed for the user.
PACKAGES := g++ make pkg-config libopenmpi-dev openmpi-bin libdnnl-dev libhdf5-openmpi-dev hdf5-tools \
            libbenchmark-dev libgtest-dev libcli11-dev nlohmann-json3-dev zlib1g-dev dataset-fashion-mnist python3-numpy python3-h5py \
            python3-matplotlib slurm-wlm munge qemu-user
deps:
	@missing=""; \
	if command -v dpkg-query >/dev/null; then \
	  for p in $(PACKAGES) $(EXTRA_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	  done; \
	else echo "deps: no dpkg here; install the equivalents of: $(PACKAGES)"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "deps: installing$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "deps: missing packages; as root run: apt-get install$$missing"; exit 1; fi; \
	fi
	@$(MAKE) --no-print-directory found

# The ✓/✗ list of what the build needs.
found:
	@check() { if eval "$$2" >/dev/null 2>&1; then echo "  ✓ $$1"; else echo "  ✗ $$1"; fi; }; \
	echo "found:"; \
	check "MPI (mpicxx)" "command -v $(MPICXX)"; \
	check "oneDNN (libdnnl)" "test -e /usr/include/oneapi/dnnl/dnnl.hpp"; \
	check "HDF5 parallel (hdf5-openmpi)" "pkg-config --exists hdf5-openmpi"; \
	check "Google Benchmark" "pkg-config --exists benchmark"; \
	check "GoogleTest" "pkg-config --exists gtest"; \
	check "CLI11" "test -e /usr/include/CLI/CLI.hpp"; \
	check "nlohmann-json" "test -e /usr/include/nlohmann/json.hpp"; \
	check "Fashion-MNIST" "test -e /usr/share/datasets/fashion-mnist"

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'
	@echo "Targets: all test bench sweep run fuzz deps found clean help"
	@$(MAKE) --no-print-directory found

-include $(ALL_OBJ:.o=.d) $(wildcard $(FUZZ_BUILD)/*/*.d $(FUZZ_BUILD)/*/*/*.d $(FUZZ_BUILD)/*/*/*/*.d)

# ---- bitvote sweep: every strategy over TCP loopback, wire bytes measured -----
# 4 ranks, d = 1K .. 32M coordinates (x4); SWEEP_ARGS adds flags (e.g. --density 0.01 --json sweep.jsonl).
.PHONY: sweep
sweep: $(BUILD)/bitvote
	OMPI_MCA_btl_base_warn_component_unused=0 mpirun --oversubscribe -np 4 --mca btl tcp,self \
	  $(BUILD)/bitvote sweep -b 1024 -e 33554432 -f 4 -i 10 -x 2 $(SWEEP_ARGS)
