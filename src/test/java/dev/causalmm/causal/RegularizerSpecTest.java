package dev.causalmm.causal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** {@link RegularizerSpec#parse}: a name and the settings of that regulariser only. */
class RegularizerSpecTest {
    @Test
    void eachNameKeepsItsOwnSettings() {
        var settings = new Regularizers.Settings(C3RConfig.defaults().withLambdas(0.1, 0.2), IMMLConfig.defaults().withTau(0.3),
                CmIRConfig.defaults().withLambdas(1, 2, 3));
        assertInstanceOf(RegularizerSpec.None.class, RegularizerSpec.parse("none", settings));
        assertEquals(settings.c3r(), assertInstanceOf(RegularizerSpec.C3R.class, RegularizerSpec.parse("c3r", settings)).config());
        assertEquals(settings.imml(), assertInstanceOf(RegularizerSpec.IMML.class, RegularizerSpec.parse("imml", settings)).config());
        assertEquals(settings.cmir(), assertInstanceOf(RegularizerSpec.CmIR.class, RegularizerSpec.parse("cmir", settings)).config());
        for (String n : Regularizers.NAMES) assertEquals(n, RegularizerSpec.parse(n).name());
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> RegularizerSpec.parse("dropout"));
        assertEquals("unknown regularizer 'dropout'; expected one of " + Regularizers.NAMES, e.getMessage());
    }
}
