// Package process is how the clusterd process behaves toward a Wazuh manager as
// wazuh-clusterd does: its home found from where the binary runs, its pid file under
// var/run (which wazuh-control and the framework's daemon check read), the wazuh user and
// group it drops to when started as root, and going to the background unless told to stay in
// the foreground. It holds no node logic; cmd/clusterd strings it together.
package process
