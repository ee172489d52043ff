-- Issue 13, the monthly report (ReportRepository): each figure reads one month of one office, so
-- each table it reads gets an index that starts (office_id, <the day or time the month is cut on>).
-- stops, slots, visits and tickets have theirs already (0003-0005).
CREATE INDEX cases_office_submitted ON cases (office_id, sla_started_on) WHERE sla_started_on IS NOT NULL;
CREATE INDEX cases_office_issued ON cases (office_id, issued_on) WHERE issued_on IS NOT NULL;
CREATE INDEX case_events_office_revisions ON case_events (office_id, at)
  WHERE to_state = 'REVISION_REQUESTED';
