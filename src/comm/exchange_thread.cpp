// The --overlap progress engine: one thread, one duplicated communicator, a
// FIFO of posted exchanges (see exchange_thread.h).
#include "comm/exchange_thread.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace bitvote {

struct ExchangeThread {
    Comm comm;  // a dup of the parent's; payload also counts in the parent's
    const Strategy* strategy = nullptr;
    std::mutex mutex;
    std::condition_variable posted, finished;
    std::deque<std::pair<Message, Update*>> queue;  // posted, not yet started
    int pending = 0;         // posted, not yet finished
    bool closing = false;
    double busy_seconds = 0;  // in exchanges since the last take
    std::thread thread;
};

namespace {

void exchange_thread_run(ExchangeThread* x) {
    std::unique_lock lock(x->mutex);
    while (true) {
        x->posted.wait(lock, [x] { return x->closing || !x->queue.empty(); });
        if (x->queue.empty()) return;  // closing
        auto [msg, out] = x->queue.front();
        x->queue.pop_front();
        lock.unlock();
        const auto start = std::chrono::steady_clock::now();
        exchange(&x->comm, *x->strategy, msg, out);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        lock.lock();
        x->busy_seconds += s;
        if (--x->pending == 0) x->finished.notify_all();
    }
}

}  // namespace

ExchangeThread* exchange_thread_open(Comm* parent, const Strategy& strategy) {
    auto* x = new ExchangeThread;
    x->comm = comm_open(parent->comm);
    x->comm.counts_into = parent;
    x->comm.alpha_beta = parent->alpha_beta;
    x->strategy = &strategy;
    x->thread = std::thread(exchange_thread_run, x);
    return x;
}

void exchange_thread_post(ExchangeThread* x, const Message& msg, Update* out) {
    std::lock_guard lock(x->mutex);
    x->queue.emplace_back(msg, out);
    ++x->pending;
    x->posted.notify_one();
}

void exchange_thread_wait(ExchangeThread* x) {
    std::unique_lock lock(x->mutex);
    x->finished.wait(lock, [x] { return x->pending == 0; });
}

double exchange_thread_take_busy_seconds(ExchangeThread* x) {
    std::lock_guard lock(x->mutex);
    const double s = x->busy_seconds;
    x->busy_seconds = 0;
    return s;
}

const Strategy* exchange_thread_auto_choice(const ExchangeThread* x) { return x->comm.auto_choice; }

void exchange_thread_close(ExchangeThread* x) {
    {
        std::lock_guard lock(x->mutex);
        x->closing = true;
        x->posted.notify_one();
    }
    x->thread.join();
    comm_close(&x->comm);
    delete x;
}

}  // namespace bitvote
