/**
 * Channels: multi-producer multi-consumer {@link dev.braid.channel.Channel}s (rendezvous, bounded
 * with an {@link dev.braid.channel.Overflow} policy, unbounded, conflated) with close-and-drain,
 * cancellation with an undelivered-element hook, {@link dev.braid.channel.Select} over send,
 * receive, token, timeout and default clauses, and a non-blocking registration protocol ({@link
 * dev.braid.channel.ChannelWaker}) for event loops and async code. See {@code docs/channels.md}.
 */
package dev.braid.channel;

/*
 * Package notes: the structure.
 *
 * Public surface: Channel (and its Sender/Receiver views), Select and SelectLoop, the sealed
 * results, ChannelWaker with Send/RecvRegistration, ChannelQueue (BlockingQueue view) and
 * ChannelFlow (Flow adapters), the JFR events. One algorithm behind every flavor, split by
 * responsibility: ChannelCore (operations with their fast path, the wait in awaitSelection, the
 * registration protocol of select and wakers, close-and-drain, observation, testkit bookkeeping;
 * it holds the algorithm's notes block) extends LockedCore (the spin lock, the state it guards,
 * the locked primitives, the after-release actions). The lock-free buffers are GatedRing's
 * SlotRing (bounded BLOCK, ADR 0044) and SegmentRing (unbounded, ADR 0057); Waiter, Entry and
 * WaitList are the select words and the wait lists.
 */
