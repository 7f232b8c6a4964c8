import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * Matches events against named event patterns with Event Ruler, EventBridge's own matching
 * library. Reads {"patterns": {name: pattern, ...}, "events": [event, ...]} on stdin and
 * writes, per event, the names of the patterns it matches: [[name, ...], ...]. Each pattern
 * gets a machine of its own, so one event can be checked against every pattern separately.
 * A pattern Event Ruler refuses ends the run with its reason on stderr and exit code 2.
 */
public class MatchEvents {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode input = json.readTree(System.in);
    Map<String, Machine> machines = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> pattern : input.get("patterns").properties()) {
      Machine machine = Machine.builder().build();
      try {
        machine.addRule(pattern.getKey(), json.writeValueAsString(pattern.getValue()));
      } catch (Exception refused) {
        System.err.println("pattern " + pattern.getKey() + ": " + refused.getMessage());
        System.exit(2);
      }
      machines.put(pattern.getKey(), machine);
    }
    ArrayNode results = json.createArrayNode();
    for (JsonNode event : input.get("events")) {
      ArrayNode matched = results.addArray();
      String text = json.writeValueAsString(event);
      for (Map.Entry<String, Machine> machine : machines.entrySet()) {
        if (!machine.getValue().rulesForJSONEvent(text).isEmpty()) matched.add(machine.getKey());
      }
    }
    System.out.println(json.writeValueAsString(results));
  }
}
