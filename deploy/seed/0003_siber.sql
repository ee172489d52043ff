-- SIBER for the demo office: where the office is (couriers start and end there) and the partner
-- clinics' hours. Idempotent.
--
-- Office location: OpenStreetMap node of the DPMPT/DPMPTSP office (office=government, name 'DPMPT'),
-- via github:Daburbf/Balikpapan_Flood_Route data/tempat_balikpapan.csv@728929c5ae13; OSM data is
-- (c) OpenStreetMap contributors, ODbL 1.0. The street address is not in any stored source.
UPDATE offices SET latitude = -1.2429310301099712, longitude = 116.89443899053839,
  address = 'Kantor DPMPTSP Kota Balikpapan (Mal Pelayanan Publik, lantai 1-2)'
WHERE id = 'bpp';

-- Puskesmas serve from 08:00; documents are handed over until 15:00 (a demo assumption: no stored
-- source gives each clinic's hours).
UPDATE clinics SET opens = '08:00', closes = '15:00' WHERE office_id = 'bpp' AND kind = 'puskesmas';

-- Courier visits are told to the clinic's desk, never the health worker (issue 11), so each demo
-- clinic has a desk phone. Made-up demo numbers: no stored source gives them. Idempotent.
UPDATE clinics c SET phone = '+62811000' || lpad(r.n::text, 4, '0')
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM clinics WHERE office_id = 'bpp') r
WHERE c.office_id = 'bpp' AND c.id = r.id AND c.phone = '';
