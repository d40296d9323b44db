package dev.braid.sync.lincheck;

import dev.braid.sync.RwLock;

/** {@link RwLockLincheckModel} on a default lock (its readers striped only if they overlap). */
public class RwLockLincheckTest extends RwLockLincheckModel {
    public RwLockLincheckTest() {
        super(new RwLock<>(0));
    }
}
