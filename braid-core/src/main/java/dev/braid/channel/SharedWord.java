package dev.braid.channel;

import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.SelectWord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A non-blocking select's registrations on one {@link Waiter} (ADR 0175): the async select's form
 * of the blocking {@link Select}'s select word. Receive clauses register readiness entries (they
 * take nothing, so a dropped select loses no element), send clauses put their elements on offer;
 * all entries share the word, so a counterpart claims it for exactly one clause, and the channel
 * never pairs the word with itself ({@link LockedCore#hasLive} and the readers fired by a send
 * registration skip the registrant's own waiter).
 */
final class SharedWord implements SelectWord {
    private final Waiter waiter;
    private final List<ChannelCore<?>> cores = new ArrayList<>(2);
    private final List<Entry> entries = new ArrayList<>(2);

    SharedWord(ChannelWaker waker) {
        this.waiter = new Waiter(null, waker);
    }

    @Override
    public boolean watchRecv(Object receiver, int clause) {
        ChannelCore<?> core = Select.coreOf((Receiver<?>) receiver);
        Entry e = new Entry(waiter, clause, null);
        if (core.registerWatcher(e)) {
            return true;
        }
        cores.add(core);
        entries.add(e);
        SimWait.note(waiter.waker, core.recvBlocker); // the testkit's wait-for graph names the wait
        return false;
    }

    @Override
    public boolean offer(Object sender, Object element, int clause) {
        ChannelCore<?> core = Select.coreOf((Sender<?>) sender);
        Entry e = new Entry(waiter, clause, element);
        if (core.register(e, true)) {
            return true;
        }
        cores.add(core);
        entries.add(e);
        SimWait.note(waiter.waker, core.sendBlocker);
        return false;
    }

    @Override
    public boolean isChosen() {
        return waiter.observedSelected();
    }

    @Override
    public boolean abort() {
        return waiter.tryAbort();
    }

    @Override
    public int chosen() {
        if (waiter.state() != Waiter.SELECTED) {
            waiter.awaitSelected(); // a counterpart won the word and is writing the outcome
        }
        waiter.observedSelected(); // true now: the testkit's edge from the counterpart's complete
        return waiter.chosen;
    }

    @Override
    public Object sendResult() {
        int clause = chosen(); // before unregisterAll, which forgets the channels
        if (waiter.item == LockedCore.SENT) {
            return SendResult.Sent.INSTANCE;
        }
        ChannelCore<?> core = null;
        for (int i = 0; i < entries.size() && core == null; i++) {
            if (entries.get(i).clause == clause) {
                core = cores.get(i);
            }
        }
        return new SendResult.Closed(Optional.ofNullable(core == null ? null : core.cause()));
    }

    @Override
    public void unregisterAll() {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            ChannelCore<?> core = cores.get(i);
            if (e.item == null) {
                core.unregisterReader(e);
            } else {
                core.unregister(e, true);
            }
        }
        entries.clear();
        cores.clear();
    }
}
