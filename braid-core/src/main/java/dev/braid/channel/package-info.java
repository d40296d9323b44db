/**
 * Channels: multi-producer multi-consumer {@link dev.braid.channel.Channel}s (rendezvous, bounded
 * with an {@link dev.braid.channel.Overflow} policy, unbounded, conflated) with close-and-drain,
 * cancellation with an undelivered-element hook, {@link dev.braid.channel.Select} over send,
 * receive, token, timeout and default clauses, and a non-blocking registration protocol ({@link
 * dev.braid.channel.ChannelWaker}) for event loops and async code. See {@code docs/channels.md}.
 */
package dev.braid.channel;
