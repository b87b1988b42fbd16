package io.kma.registration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class EndpointsEditTest {

    static final ObjectMapper M = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return M.readTree(s.replace('\'', '"'));
    }

    @Test
    void ownAddressJoinsTheSubsetOfItsPortSortedAndPeersStay() throws Exception {
        JsonNode subsets = json("[{'addresses':[{'ip':'10.0.0.3','nodeName':'m3'}],'ports':[{'name':'https','port':4443,'protocol':'TCP'}]}]");
        JsonNode out = EndpointsEdit.apply(subsets, new Member("10.0.0.1", 4443), EndpointsEdit.Own.READY, Set.of());
        assertEquals(json("[{'addresses':[{'ip':'10.0.0.1'},{'ip':'10.0.0.3','nodeName':'m3'}],'ports':[{'name':'https','port':4443,'protocol':'TCP'}]}]"), out);
    }

    @Test
    void anotherPortGetsItsOwnSubsetAndNotReadyMovesTheAddress() throws Exception {
        JsonNode subsets = json("[{'addresses':[{'ip':'10.0.0.1'},{'ip':'10.0.0.3'}],'ports':[{'name':'https','port':4443,'protocol':'TCP'}]}]");
        JsonNode out = EndpointsEdit.apply(subsets, new Member("10.0.0.1", 5443), EndpointsEdit.Own.NOT_READY, Set.of());
        assertEquals(json("[{'addresses':[{'ip':'10.0.0.1'},{'ip':'10.0.0.3'}],'ports':[{'name':'https','port':4443,'protocol':'TCP'}]},"
                + "{'notReadyAddresses':[{'ip':'10.0.0.1'}],'ports':[{'name':'https','port':5443,'protocol':'TCP'}]}]"), out);
        JsonNode back = EndpointsEdit.apply(out, new Member("10.0.0.1", 5443), EndpointsEdit.Own.ABSENT, Set.of(new Member("10.0.0.3", 4443)));
        assertEquals(json("[{'addresses':[{'ip':'10.0.0.1'}],'ports':[{'name':'https','port':4443,'protocol':'TCP'}]}]"), back,
                "own absent, the dead peer removed, the emptied subset dropped");
    }

    @Test
    void membersListReadyAndNotReadyWithTheHttpsPort() throws Exception {
        JsonNode subsets = json("[{'addresses':[{'ip':'10.0.0.1'}],'notReadyAddresses':[{'ip':'10.0.0.2'}],'ports':[{'name':'https','port':4443}]},"
                + "{'addresses':[{'ip':'10.0.0.9'}],'ports':[{'name':'other','port':80}]}]");
        assertEquals(Set.of(new Member("10.0.0.1", 4443), new Member("10.0.0.2", 4443)), EndpointsEdit.members(subsets));
    }

    @Test
    void memberRoundTripsThroughTheAnnotationForm() {
        assertEquals(new Member("fd00::1", 4443), Member.parse(new Member("fd00::1", 4443).toString()));
        assertEquals(new Member("10.0.0.1", 4443), Member.parse("10.0.0.1:4443"));
        assertEquals(null, Member.parse("10.0.0.1"));
        assertEquals(null, Member.parse("10.0.0.1:99999"));
    }

    @Test
    void aSliceWhoseServerDroppedConditionsIsNotRewritten() throws Exception {
        JsonNode desired = json("{'endpoints':[{'addresses':['10.0.0.1'],'conditions':{'ready':true,'serving':true,'terminating':false}}]}");
        assertEquals(true, Registrar.sameEndpoint(json("{'endpoints':[{'addresses':['10.0.0.1'],'conditions':{'ready':true}}]}"), desired),
                "kube-apiserver 1.21 drops serving/terminating (feature gate off)");
        assertEquals(false, Registrar.sameEndpoint(json("{'endpoints':[{'addresses':['10.0.0.1'],'conditions':{'ready':false}}]}"), desired));
        assertEquals(false, Registrar.sameEndpoint(json("{'endpoints':[{'addresses':['10.0.0.1'],'conditions':{'ready':true,'serving':false}}]}"), desired));
        assertEquals(false, Registrar.sameEndpoint(json("{'endpoints':[{'addresses':['10.0.0.2'],'conditions':{'ready':true}}]}"), desired));
    }

    @Test
    void hostNamesBecomeDns1123Labels() {
        assertEquals("master-1", HostName.sanitise("Master-1.example.com"));
        assertEquals("cp-a-b", HostName.sanitise("cp_a+b"));
        assertEquals("host", HostName.sanitise("---"));
        assertEquals(HostName.MAX, HostName.sanitise("a".repeat(100)).length());
    }
}
