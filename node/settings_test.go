package node

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/clusterd/clusterd/node/config"
)

// get_config answers read_cluster_config's dictionary exactly as the captured Wazuh master
// did (DAPI R7): same keys, order and spacing.
func TestConfigJSONIsTheCapturedDictionary(t *testing.T) {
	raw, err := os.ReadFile("../testdata/vectors/dapi/master-R7.json")
	if err != nil {
		t.Fatal(err)
	}
	var capture struct {
		Response string `json:"response"`
	}
	if err := json.Unmarshal(raw, &capture); err != nil {
		t.Fatal(err)
	}
	c := config.DefaultCluster()
	c.Name, c.NodeName, c.NodeType, c.Key = "wazuh", "master-node", "master", "c98b62a9b6169ac5f67dae55ae4a9088"
	c.Port, c.BindAddr, c.Nodes, c.Hidden, c.Disabled = 23516, "127.0.0.1", []string{"127.0.0.1"}, "no", false
	if got := string(configJSON(Config{Cluster: c})); got != capture.Response {
		t.Errorf("get_config\n got %s\nwant %s", got, capture.Response)
	}
}
