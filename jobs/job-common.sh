# The body every bitvote job script shares (sourced, not run): finds the binary,
# makes the run directory, sets the ranks' environment, picks the launcher and
# runs one command, recording what ran where in <run dir>/job.json.
#
#   kind=train; submit_dir=${SLURM_SUBMIT_DIR:-$PWD}
#   source "$submit_dir/jobs/job-common.sh"
#   job_setup                                     # sets bitvote, ntasks, run_dir, launch
#   job_run "$bitvote" train ... --out "$run_dir" # exits with the command's code
#
# Slurm runs a copy of the batch script from its spool directory, so the job
# scripts find this file from the submit directory, not from $0.
# Environment: BITVOTE (the binary, default <submit dir>/build/bitvote),
# BITVOTE_RUNS (parent of the run directory, default <submit dir>/runs),
# BITVOTE_RUN_NAME (its name, default <job name>-<job id>),
# BITVOTE_LAUNCHER=auto|srun|mpirun (auto: srun --mpi=pmix where `srun
# --mpi=list` offers pmix, else OpenMPI's mpirun, which reads the allocation),
# BITVOTE_NTASKS (run on fewer tasks than allocated; jobs/scaling.sh --inside).

job_setup() {
    : "${SLURM_JOB_ID:?run this with sbatch (or inside salloc)}"
    # --- the binary, the run directory ----------------------------------------
    bitvote=${BITVOTE:-$submit_dir/build/bitvote}
    [ -x "$bitvote" ] || { echo "$kind.sbatch: no bitvote binary at $bitvote (build it, or set BITVOTE=)" >&2; exit 2; }
    ntasks=${BITVOTE_NTASKS:-${SLURM_NTASKS:?no SLURM_NTASKS: submit with -n or --ntasks-per-node}}
    run_dir=${BITVOTE_RUNS:-$submit_dir/runs}/${BITVOTE_RUN_NAME:-${SLURM_JOB_NAME:-$kind}-$SLURM_JOB_ID}
    mkdir -p "$run_dir"

    # --- environment for the ranks ---------------------------------------------
    export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
    if [ "$(id -u)" = 0 ]; then  # containers, CI: OpenMPI refuses root unless told
        export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    fi
    export OMPI_MCA_btl_base_warn_component_unused=${OMPI_MCA_btl_base_warn_component_unused:-0}
    # More ranks on this node than CPUs (the 2-core test cluster): ranks must yield
    # when idle, or busy-polling ranks steal each other's time slices. mpirun
    # --oversubscribe does this itself; a direct srun launch does not.
    local nodes=${SLURM_JOB_NUM_NODES:-1}
    local ranks_per_node=$(((ntasks + nodes - 1) / nodes))
    local cpus
    cpus=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)  # this node's CPUs we may run on (GNU nproc obeys OMP_*)
    if [ $((ranks_per_node * OMP_NUM_THREADS)) -gt "$cpus" ]; then
        export OMPI_MCA_mpi_yield_when_idle=1
        echo "oversubscribed: $ntasks ranks x $OMP_NUM_THREADS threads on $nodes node(s) of $cpus CPUs; OMPI_MCA_mpi_yield_when_idle=1"
    fi

    # --- launcher: srun where Slurm has PMIx for OpenMPI, else mpirun in the allocation
    launcher=${BITVOTE_LAUNCHER:-auto}
    if [ "$launcher" = auto ]; then
        if srun --mpi=list 2>&1 | grep -qw pmix; then launcher=srun; else launcher=mpirun; fi
    fi
    case $launcher in
    srun) launch=(srun --mpi=pmix --ntasks="$ntasks" --cpus-per-task="$OMP_NUM_THREADS" --kill-on-bad-exit=1) ;;
    mpirun) launch=(mpirun -np "$ntasks") ;;  # OpenMPI's mpirun reads the Slurm allocation
    *) echo "$kind.sbatch: BITVOTE_LAUNCHER must be auto, srun or mpirun, not '$launcher'" >&2; exit 2 ;;
    esac
}

# --- job.json: what ran where ----------------------------------------------------
json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
json_num_or_null() { if [[ ${1:-} =~ ^[0-9]+$ ]]; then printf '%s' "$1"; else printf 'null'; fi; }
write_job_json() {  # exit code (or null), end time (or null)
    local a argv="" sep="" end=null
    [ "$2" = null ] || end=$(json_str "$2")
    for a in "${cmd[@]}"; do argv+="$sep$(json_str "$a")"; sep=", "; done
    {
        printf '{"kind": "%s", "SLURM_JOB_ID": %s, "SLURM_JOB_NAME": %s,' "$kind" "$(json_num_or_null "$SLURM_JOB_ID")" "$(json_str "${SLURM_JOB_NAME:-}")"
        printf ' "SLURM_JOB_NODELIST": %s, "SLURM_JOB_NUM_NODES": %s,' "$(json_str "${SLURM_JOB_NODELIST:-}")" "$(json_num_or_null "${SLURM_JOB_NUM_NODES:-}")"
        printf ' "SLURM_NTASKS": %s, "SLURM_TASKS_PER_NODE": %s,' "$(json_num_or_null "${SLURM_NTASKS:-}")" "$(json_str "${SLURM_TASKS_PER_NODE:-}")"
        printf ' "SLURM_CPUS_PER_TASK": %s, "SLURM_SUBMIT_DIR": %s,' "$(json_num_or_null "${SLURM_CPUS_PER_TASK:-}")" "$(json_str "$submit_dir")"
        printf ' "ranks": %s, "batch_host": %s, "launcher": "%s", "command": [%s],' "$ntasks" "$(json_str "$(uname -n)")" "$launcher" "$argv"
        printf ' "start_time": "%s", "end_time": %s, "exit_code": %s}\n' "$start_time" "$end" "$1"
    } >"$run_dir/job.json.tmp"
    mv "$run_dir/job.json.tmp" "$run_dir/job.json"
}

# The exit code of a command that stopped to be requeued: bitvote train on
# SIGUSR1 writes a checkpoint and exits with it (src/train/stop_signal.h).
requeue_exit_code=75

# Whether slurm.conf's RequeueExit lists requeue_exit_code: then Slurm
# requeues the job itself after it has ended and been cleaned up, the clean
# way (set it on your cluster: RequeueExit=75). Without it the job calls
# `scontrol requeue` on itself while running, which Slurm may race: on one
# node the relaunch can find the old job's steps still there (below) or be
# refused as "already killed".
requeue_exit_configured() {
    scontrol show config 2>/dev/null | awk -F= '/^RequeueExit /{print $2}' | tr ',' '\n' | tr -d ' ' |
        grep -qx "$requeue_exit_code"
}

# A step's slurmstepd can outlive srun by a second or more (PMIx's finalize),
# and a requeued job's first step has the same id (JOB.0): started on the same
# node before the old one is gone, it cannot bind the PMIx socket the old one
# still holds ("Address already in use") and srun aborts it. So the job waits
# (up to 30 s) until Slurm lists no step of it and no slurmstepd of one of its
# steps runs on this node: before `scontrol requeue`, and again when it starts
# as a requeued job.
steps_wait_gone() {
    local t
    for ((t = 0; t < 150; t++)); do
        if ! squeue -h -s -j "$SLURM_JOB_ID" -o %i 2>/dev/null | grep -q "^$SLURM_JOB_ID\.[0-9]" &&
            ! pgrep -f "^slurmstepd: \[$SLURM_JOB_ID\.[0-9]+\]" >/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    echo "job $SLURM_JOB_ID: a step of it is still there after 30 s; going on" >&2
}

# Runs "${launch[@]}" "$@" and exits with its code; job.json before and after.
# SIGUSR1 to the batch shell (sbatch --signal=B:USR1@T, or scancel --signal=USR1
# --batch) is passed on to the launcher, which passes it to every rank (mpirun
# and srun both forward SIGUSR1). A command that ends with requeue_exit_code is
# requeued (scontrol requeue): the job runs again, same id, same run directory.
job_run() {
    cmd=("${launch[@]}" "$@")
    start_time=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    write_job_json null null
    echo "job $SLURM_JOB_ID on ${SLURM_JOB_NODELIST:-?}: $ntasks ranks (tasks per node ${SLURM_TASKS_PER_NODE:-?}), OMP_NUM_THREADS=$OMP_NUM_THREADS; restart ${SLURM_RESTART_COUNT:-0}"
    echo "launcher: $launcher (BITVOTE_LAUNCHER=${BITVOTE_LAUNCHER:-auto}); run directory $run_dir"
    echo "+ ${cmd[*]}"
    local rc=0 child
    [ "${SLURM_RESTART_COUNT:-0}" -eq 0 ] || steps_wait_gone
    "${cmd[@]}" &
    child=$!
    trap 'echo "SIGUSR1: passed on to the launcher"; kill -USR1 "$child" 2>/dev/null || true' USR1
    while :; do  # a trapped signal ends `wait` early, the command still running
        rc=0
        wait "$child" || rc=$?
        kill -0 "$child" 2>/dev/null || break
    done
    trap - USR1
    write_job_json "$rc" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "exit code $rc; results in $run_dir"
    if [ "$rc" -eq "$requeue_exit_code" ] && requeue_exit_configured; then
        echo "requeueing job $SLURM_JOB_ID (it resumes from its checkpoint): Slurm's RequeueExit does it once the job has ended"
    elif [ "$rc" -eq "$requeue_exit_code" ]; then
        steps_wait_gone
        echo "requeueing job $SLURM_JOB_ID (it resumes from its checkpoint): scontrol requeue"
        scontrol requeue "$SLURM_JOB_ID"
    fi
    exit "$rc"
}
