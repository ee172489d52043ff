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
