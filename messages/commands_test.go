package messages

import "testing"

// spec9 lists every command of §9.1–§9.4 with the directions the tables give it.
var spec9 = map[string]Direction{
	"echo": Common, "new_str": Common, "str_upd": Common, "err_str": Common, "new_file": Common,
	"file_upd": Common, "file_end": Common, "cancel_task": Common, "dapi_err": Common | Local,

	"hello": WorkerToMaster, "echo-c": WorkerToMaster | Local, "syn_i_w_m_p": WorkerToMaster,
	"syn_a_w_m_p": WorkerToMaster, "syn_i_w_m": WorkerToMaster, "syn_i_w_m_e": WorkerToMaster,
	"syn_i_w_m_r": WorkerToMaster, "syn_e_w_m": WorkerToMaster, "syn_e_w_m_e": WorkerToMaster,
	"syn_a_w_m": WorkerToMaster, "syn_w_g_e": WorkerToMaster, "syn_wgc_e": WorkerToMaster,
	"syn_w_g_err": WorkerToMaster, "syn_wgc_err": WorkerToMaster, "syn_w_g_c": WorkerToMaster,
	"dapi": Common | Local, "dapi_res": Common | Local, "get_nodes": WorkerToMaster | Local,
	"get_health": WorkerToMaster | Local, "sendsync": WorkerToMaster | Local,

	"syn_m_c_ok": MasterToWorker, "syn_m_c": MasterToWorker, "syn_m_c_e": MasterToWorker,
	"syn_m_c_r": MasterToWorker, "syn_m_a_e": MasterToWorker, "syn_m_a_err": MasterToWorker,
	"syn_g_m_w": MasterToWorker, "syn_g_m_w_c": MasterToWorker, "sendsyn_res": MasterToWorker,
	"sendsyn_err": MasterToWorker, "echo-m": MasterToWorker,

	"get_config": Local, "get_hash": Local, "dapi_fwd": Local, "send_file": Local,
	"sendasync": Local, "sendrreload": Local, "send_f_res": Local, "control_res": Local,
}

func TestRegistryCoversEveryCommandOfSection9(t *testing.T) {
	for name, dir := range spec9 {
		info, ok := LookupCommand(name)
		if !ok {
			t.Errorf("%q missing from the registry", name)
			continue
		}
		if !info.Direction.Has(dir) {
			t.Errorf("%q direction %v lacks %v", name, info.Direction, dir)
		}
		if info.Response || info.Reply == "" {
			t.Errorf("%q: %+v", name, info)
		}
	}
}

func TestReplyCommandsResolveAsReceiversParseThem(t *testing.T) {
	for _, sent := range []string{CmdOK, CmdErr, CmdOKM, CmdOKC, CmdOKNewFile, CmdError} {
		info, ok := LookupCommand(sent)
		if !ok || !info.Response {
			t.Errorf("LookupCommand(%q) = %+v, %v", sent, info, ok)
		}
	}
	if info, _ := LookupCommand(CmdOKM); info.Name != "ok-m" {
		t.Errorf("ok-m resolves to %q", info.Name)
	}
	if info, _ := LookupCommand(CmdOKNewFile); info.Name != CmdOK {
		t.Errorf("new_file reply resolves to %q", info.Name)
	}
	if _, ok := LookupCommand("bogus"); ok {
		t.Error("bogus command found")
	}
}

func TestEveryCommandFitsTheHeader(t *testing.T) {
	for name := range Commands {
		if len(name) == 0 || len(name) > MaxCommandLen {
			t.Errorf("%q does not fit a 12-byte command field", name)
		}
	}
	for _, c := range []string{CmdOKM, CmdOKNewFile} {
		if len(c) > MaxCommandLen {
			t.Errorf("%q too long", c)
		}
	}
}

func TestDirectionString(t *testing.T) {
	cases := map[Direction]string{
		WorkerToMaster:         "worker->master",
		Common | Local:         "worker->master|master->worker|local",
		Direction(0):           "none",
		MasterToWorker | Local: "master->worker|local",
	}
	for d, want := range cases {
		if got := d.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", d, got, want)
		}
	}
}
