package io.redmesh.agent.sidecar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AclListingTest {

    @Test
    void parsesAclListLines() {
        Map<String, String> users = AclListing.parse(List.of(
                "user default on nopass ~* &* +@all",
                "user alice on sanitize-payload #0a ~k* resetchannels -@all +get (~y* resetchannels -@all +set)",
                "user bare",
                "not a user line"));
        assertEquals(List.of("alice", "bare", "default"), List.copyOf(users.keySet()));
        assertEquals("on nopass ~* &* +@all", users.get("default"));
        assertEquals("", users.get("bare"));
        assertEquals("on sanitize-payload #0a ~k* resetchannels -@all +get (~y* resetchannels -@all +set)",
                users.get("alice"));
    }

    @Test
    void splitsRulesIntoSetUserArguments() {
        assertArrayEquals(new String[] {"alice", "reset", "on", "#0a", "~k*", "+get", "(~y*", "+set)"},
                AclListing.setUserArgs("alice", "on #0a  ~k* +get (~y* +set)"));
        assertArrayEquals(new String[] {"bob", "reset"}, AclListing.setUserArgs("bob", ""));
    }

    @Test
    void digestIgnoresOrderButNotContent() {
        Map<String, String> x = new LinkedHashMap<>();
        x.put("a", "on");
        x.put("b", "off");
        Map<String, String> y = new LinkedHashMap<>();
        y.put("b", "off");
        y.put("a", "on");
        assertEquals(AclListing.digest(x), AclListing.digest(y));
        assertEquals(64, AclListing.digest(x).length());
        y.put("a", "on +get");
        assertNotEquals(AclListing.digest(x), AclListing.digest(y));
        assertEquals(AclListing.digest(Map.of("a", "on #0a +get")),
                AclListing.digest(Map.of("a", "on sanitize-payload #0a +get")));
        // The separator keeps "ab"+"c" apart from "a"+"bc".
        assertNotEquals(AclListing.digest(Map.of("ab", "c")), AclListing.digest(Map.of("a", "bc")));
    }

    @Test
    void sanitizePayloadAloneDoesNotMakeUsersDiffer() {
        assertTrue(AclListing.sameRules("on sanitize-payload #0a ~k* +get", "on #0a ~k* +get"));
        assertTrue(AclListing.sameRules("on  #0a", "on #0a"));
        assertFalse(AclListing.sameRules("on skip-sanitize-payload #0a", "on #0a"));
        assertFalse(AclListing.sameRules("on ~k* +get", "on +get ~k*"));
    }
}
