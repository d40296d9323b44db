package dev.braid.sync.lincheck;

import dev.braid.sync.RwLockTesting;

/** {@link RwLockLincheckModel}'s model on a lock whose readers are striped from the start. */
public class StripedRwLockLincheckTest extends RwLockLincheckModel {
    public StripedRwLockLincheckTest() {
        super(RwLockTesting.striped(0));
    }
}
