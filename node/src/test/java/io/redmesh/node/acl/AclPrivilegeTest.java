package io.redmesh.node.acl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.command.CommandTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class AclPrivilegeTest {
    private static final CommandTable TABLE = CommandTable.load(List.of());

    @Test
    void adminAndDangerousPowersArePrivileged() throws Exception {
        assertTrue(AclPrivilege.privileged(TABLE, "on nopass ~* &* +@all"));
        assertTrue(AclPrivilege.privileged(TABLE, "on nopass ~* resetchannels -@all +config|get"));
        assertTrue(AclPrivilege.privileged(TABLE, "on nopass ~* resetchannels -@all +acl"));
        assertTrue(AclPrivilege.privileged(TABLE, "on nopass ~* resetchannels -@all +flushall"));
        assertTrue(AclPrivilege.privileged(TABLE, "on nopass ~* resetchannels -@all +get (~x +keys)"));
        assertTrue(AclPrivilege.privileged(TABLE, "on nopass resetchannels -@all +@admin"));
        assertTrue(AclPrivilege.privileged(TABLE, "on nopass resetchannels -@all +debug|sleep"),
                "first-arg grants count (conservative)");
    }

    @Test
    void ordinaryUsersAreNot() throws Exception {
        assertFalse(AclPrivilege.privileged(TABLE, "on #" + "a".repeat(64) + " ~app:* resetchannels -@all +@read +@write -@dangerous"));
        assertFalse(AclPrivilege.privileged(TABLE, "on nopass ~* resetchannels -@all +get +set"));
        assertFalse(AclPrivilege.privileged(TABLE, "off nopass ~* &* +@all"), "a disabled user cannot log in");
        assertFalse(AclPrivilege.privileged(TABLE, ""));
    }

    @Test
    void badRulesAreRefused() {
        assertThrows(AclRuleException.class, () -> AclPrivilege.privileged(TABLE, "on +nosuchcommand"));
        assertThrows(AclRuleException.class, () -> AclPrivilege.privileged(TABLE, "on (~x +get"));
    }
}
