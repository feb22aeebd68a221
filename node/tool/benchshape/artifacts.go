package benchshape

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeArtifacts writes a node's figures in the layout of Wazuh's cluster benchmark
// artifacts, <node>/data/binaries/wazuh-clusterd.csv and <node>/data/logs/<task>.csv, so that
// Wazuh's own parser of those CSVs reads them too.
func writeArtifacts(dir string, samples []sample, tasks []task) error {
	var res strings.Builder
	res.WriteString("Timestamp,CPU(%),USS(KB),FD\n")
	for _, s := range samples {
		fmt.Fprintf(&res, "%s,%.2f,%d,%d\n", s.at.Format(logTime), s.cpu, s.ussKB, s.fds)
	}
	if err := writeCSV(filepath.Join(dir, "data", "binaries", "wazuh-clusterd.csv"), res.String()); err != nil {
		return err
	}
	byFile := map[string]*strings.Builder{}
	for _, f := range taskOrder {
		byFile[f] = &strings.Builder{}
		byFile[f].WriteString("Timestamp,time_spent(s)\n")
	}
	for _, t := range tasks {
		fmt.Fprintf(byFile[t.file], "%s,%.3f\n", t.at.Format(logTime), t.spent)
	}
	for f, b := range byFile {
		if err := writeCSV(filepath.Join(dir, "data", "logs", f+".csv"), b.String()); err != nil {
			return err
		}
	}
	return nil
}

func writeCSV(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("write the artifacts: %w", err)
	}
	if err := os.WriteFile(path, []byte(text), 0o640); err != nil {
		return fmt.Errorf("write the artifacts: %w", err)
	}
	return nil
}
