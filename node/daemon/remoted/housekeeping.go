package remoted

import "time"

// housekeeping polls client.keys every KeysPoll and saves the sender counter
// when messages were sent (at once after counterSaveEvery of them).
func (s *Server) housekeeping() {
	defer s.workerWG.Done()
	t := time.NewTicker(s.cfg.KeysPoll)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
			s.reloadKeysIfChanged()
			s.saveCounter()
		case <-s.keysNow:
			s.reloadKeysIfChanged()
		case <-s.sender.nudge:
			s.saveCounter()
		}
	}
}

func (s *Server) saveCounter() {
	if err := s.sender.save(); err != nil {
		s.limited.warn("counter", "%v", err)
	}
}

// monitord disconnects (code 4) the agents of this node's database whose last
// keepalive is older than DisconnectionTime, every DisconnectionTime, with
// sync_status "synced" (every node decides on its own copy).
func (s *Server) monitord() {
	defer s.workerWG.Done()
	t := time.NewTicker(s.cfg.DisconnectionTime)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
			now := s.cfg.Now()
			ids, err := s.st.DisconnectStale(s.ctx, now.Add(-s.cfg.DisconnectionTime).Unix(), syncSynced, now.Unix())
			if err != nil {
				s.limited.warn("monitord", "disconnect silent agents: %v", err)
				continue
			}
			if len(ids) > 0 {
				s.log.Infof("disconnected %d agents without keepalive for %s: %v", len(ids), s.cfg.DisconnectionTime, ids)
			}
		}
	}
}
