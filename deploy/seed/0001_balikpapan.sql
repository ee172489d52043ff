-- Loket demo seed: the Balikpapan one-stop licensing office (DPMPTSP Kota Balikpapan).
--
-- Idempotent: every INSERT ends in ON CONFLICT ... DO UPDATE, so loading it again refreshes the rows and
-- never duplicates them. Load with: psql -X -v ON_ERROR_STOP=1 -d loket -f 0001_balikpapan.sql
-- Fits server/store/migrations/0001_init.sql. Demo principals and tokens are NOT here: deploy/up.sh
-- creates them (deploy/lib-tokens.sh), so tests can load this seed without them.
-- Sources and licences: see README.md in this folder.

BEGIN;

-- ---------------------------------------------------------------------------------------------------
-- The office. Time zone WITA (UTC+8).
-- ---------------------------------------------------------------------------------------------------
INSERT INTO offices (id, name, utc_offset_minutes)
VALUES ('bpp', 'DPMPTSP Kota Balikpapan', 480)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, utc_offset_minutes = EXCLUDED.utc_offset_minutes;

-- ---------------------------------------------------------------------------------------------------
-- Holidays 2026: Indonesia's national holidays (17, libur nasional) and collective leave days (8, cuti
-- bersama), both non-working days for the SLA clock.
-- Source: SKB 3 Menteri 2026 — SKB Menteri Agama, Menteri Ketenagakerjaan, Menteri PANRB
-- No. 1497/2025, No. 2/2025, No. 5/2025 (announced at Kemenko PMK, 19 Sep 2025); cross-checked against
-- https://pembelajaranbermaknaid.blogspot.com/2025/11/skb-3-menteri-rilis-daftar-cuti-bersama.html,
-- github:vacanza/holidays (holidays/countries/indonesia.py@c382fdec456c), the cuti bersama list of
-- https://palu.tribunnews.com/news/169028/skb-tiga-menteri-total-25-hari-libur-untuk-2026-simak-daftarnya
-- and the totals 17 + 8 of
-- https://disdiksmg.semarangkota.go.id/post-detail/resmi-daftar-hari-libur-nasional-dan-cuti-bersama-tahun-2026-berdasarkan-skb-3-menteri
-- ---------------------------------------------------------------------------------------------------
INSERT INTO holidays (office_id, day, name) VALUES
  ('bpp', DATE '2026-01-01', 'Tahun Baru 2026 Masehi'),                           -- libur_nasional
  ('bpp', DATE '2026-01-16', 'Isra Mikraj Nabi Muhammad SAW'),                    -- libur_nasional
  ('bpp', DATE '2026-02-16', 'Cuti Bersama Tahun Baru Imlek 2577 Kongzili'),      -- cuti_bersama
  ('bpp', DATE '2026-02-17', 'Tahun Baru Imlek 2577 Kongzili'),                   -- libur_nasional
  ('bpp', DATE '2026-03-18', 'Cuti Bersama Hari Suci Nyepi (Tahun Baru Saka 1948)'),  -- cuti_bersama
  ('bpp', DATE '2026-03-19', 'Hari Suci Nyepi (Tahun Baru Saka 1948)'),           -- libur_nasional
  ('bpp', DATE '2026-03-20', 'Cuti Bersama Idul Fitri 1447 H'),                   -- cuti_bersama
  ('bpp', DATE '2026-03-21', 'Idul Fitri 1447 H (hari pertama)'),                 -- libur_nasional
  ('bpp', DATE '2026-03-22', 'Idul Fitri 1447 H (hari kedua)'),                   -- libur_nasional
  ('bpp', DATE '2026-03-23', 'Cuti Bersama Idul Fitri 1447 H'),                   -- cuti_bersama
  ('bpp', DATE '2026-03-24', 'Cuti Bersama Idul Fitri 1447 H'),                   -- cuti_bersama
  ('bpp', DATE '2026-04-03', 'Wafat Yesus Kristus'),                              -- libur_nasional
  ('bpp', DATE '2026-04-05', 'Kebangkitan Yesus Kristus (Paskah)'),               -- libur_nasional
  ('bpp', DATE '2026-05-01', 'Hari Buruh Internasional'),                         -- libur_nasional
  ('bpp', DATE '2026-05-14', 'Kenaikan Yesus Kristus'),                           -- libur_nasional
  ('bpp', DATE '2026-05-15', 'Cuti Bersama Kenaikan Yesus Kristus'),              -- cuti_bersama
  ('bpp', DATE '2026-05-27', 'Idul Adha 1447 H'),                                 -- libur_nasional
  ('bpp', DATE '2026-05-28', 'Cuti Bersama Idul Adha 1447 H'),                    -- cuti_bersama
  ('bpp', DATE '2026-05-31', 'Hari Raya Waisak 2570 BE'),                         -- libur_nasional
  ('bpp', DATE '2026-06-01', 'Hari Lahir Pancasila'),                             -- libur_nasional
  ('bpp', DATE '2026-06-16', '1 Muharam Tahun Baru Islam 1448 H'),                -- libur_nasional
  ('bpp', DATE '2026-08-17', 'Proklamasi Kemerdekaan RI'),                        -- libur_nasional
  ('bpp', DATE '2026-08-25', 'Maulid Nabi Muhammad SAW'),                         -- libur_nasional
  ('bpp', DATE '2026-12-24', 'Cuti Bersama Kelahiran Yesus Kristus (Natal)'),     -- cuti_bersama
  ('bpp', DATE '2026-12-25', 'Kelahiran Yesus Kristus (Natal)')                   -- libur_nasional
ON CONFLICT (office_id, day) DO UPDATE SET name = EXCLUDED.name;

-- ---------------------------------------------------------------------------------------------------
-- Permit catalog.
--
-- Health-worker permits (SIP, SIK): issued by the kota government (Kepala DPMPTSP or Kepala Dinas
-- Kesehatan) under UU 17/2023 and PP 28/2024; SE Menkes HK.02.01/MENKES/6/2024 reduced the core documents
-- to the STR and a statement on the place of practice, with no professional-body recommendation.
-- Fee Rp 0 and a service level of 5 working days are the DEMO DEFAULT ASSUMPTION suggested in the
-- reference notes (sip_requirements.md, section C): no Balikpapan service standard was found; standards
-- found elsewhere list SIPs as free, in 5 (Kab. Indragiri Hilir) to 12 (Kab. Kolaka) days.
-- Optional documents are items of pre-2024 checklists of other regions (sip_requirements.md, section B),
-- kept optional as the 2024 rules dropped them.
--
-- Business permits (IZIN_REKLAME, TDUP): demo entries only. Their fee, service level and checklist are
-- assumptions for the demo, NOT sourced Balikpapan values (no Balikpapan list of services with SLAs was
-- found). Billboard tax (pajak reklame) is a separate levy and not the permit fee.
-- ---------------------------------------------------------------------------------------------------
--
-- Validity (issue 13): SIP and SIK are valid five years (PP 28/2024) and end with the STR they rest on
-- (the domain takes the earlier). IZIN_REKLAME 12 months and TDUP 60 months are DEMO ASSUMPTIONS.
-- number_code: the short code in the permit number ("0001/SIPP/DPMPTSP-BPP/2026"), the abbreviation
-- each name gives; SIPDR, SIPDRG and REKLAME are DEMO ASSUMPTIONS (an office sets its own).
INSERT INTO permit_types (office_id, code, name, fee_idr, service_level_days, health_worker,
                          validity_months, number_code) VALUES
  ('bpp', 'SIP_DOKTER', 'Surat Izin Praktik Dokter (SIP Dokter)', 0, 5, true, 60, 'SIPDR'),
  ('bpp', 'SIP_DOKTER_GIGI', 'Surat Izin Praktik Dokter Gigi (SIP Dokter Gigi)', 0, 5, true, 60, 'SIPDRG'),
  ('bpp', 'SIP_PERAWAT', 'Surat Izin Praktik Perawat (SIPP)', 0, 5, true, 60, 'SIPP'),
  ('bpp', 'SIP_BIDAN', 'Surat Izin Praktik Bidan (SIPB)', 0, 5, true, 60, 'SIPB'),
  ('bpp', 'SIK', 'Surat Izin Kerja Tenaga Teknis Kefarmasian (SIKTTK)', 0, 5, true, 60, 'SIKTTK'),
  ('bpp', 'IZIN_REKLAME', 'Izin Penyelenggaraan Reklame', 0, 7, false, 12, 'REKLAME'),
  ('bpp', 'TDUP', 'Tanda Daftar Usaha Pariwisata (TDUP)', 0, 5, false, 60, 'TDUP')
ON CONFLICT (office_id, code) DO UPDATE SET
  name = EXCLUDED.name, fee_idr = EXCLUDED.fee_idr,
  service_level_days = EXCLUDED.service_level_days, health_worker = EXCLUDED.health_worker,
  validity_months = EXCLUDED.validity_months, number_code = EXCLUDED.number_code;

-- Required documents, in the order the checklist shows them. The codes are what `loket clinic attach
-- --code` takes. SIP: STR, place of practice and KTP are mandatory (sip_requirements.md, section A).
INSERT INTO permit_type_documents (office_id, permit_type, code, name, mandatory, position) VALUES
  ('bpp', 'SIP_DOKTER', 'STR', 'Surat Tanda Registrasi (STR)', true, 1),
  ('bpp', 'SIP_DOKTER', 'SURAT_TEMPAT_PRAKTIK', 'Surat keterangan tempat praktik dari fasilitas pelayanan kesehatan', true, 2),
  ('bpp', 'SIP_DOKTER', 'KTP', 'Kartu Tanda Penduduk elektronik (e-KTP)', true, 3),
  ('bpp', 'SIP_DOKTER', 'PAS_FOTO', 'Pas foto berwarna 4x6', false, 4),
  ('bpp', 'SIP_DOKTER', 'SURAT_KETERANGAN_SEHAT', 'Surat keterangan sehat dari dokter yang memiliki SIP', false, 5),
  ('bpp', 'SIP_DOKTER', 'SIP_LAMA', 'SIP sebelumnya (untuk SIP kedua/ketiga atau perpanjangan)', false, 6),
  ('bpp', 'SIP_DOKTER', 'PERSETUJUAN_ATASAN', 'Persetujuan atasan langsung (pegawai tetap fasilitas pelayanan kesehatan)', false, 7),
  ('bpp', 'SIP_DOKTER_GIGI', 'STR', 'Surat Tanda Registrasi (STR)', true, 1),
  ('bpp', 'SIP_DOKTER_GIGI', 'SURAT_TEMPAT_PRAKTIK', 'Surat keterangan tempat praktik dari fasilitas pelayanan kesehatan', true, 2),
  ('bpp', 'SIP_DOKTER_GIGI', 'KTP', 'Kartu Tanda Penduduk elektronik (e-KTP)', true, 3),
  ('bpp', 'SIP_DOKTER_GIGI', 'PAS_FOTO', 'Pas foto berwarna 4x6', false, 4),
  ('bpp', 'SIP_DOKTER_GIGI', 'SURAT_KETERANGAN_SEHAT', 'Surat keterangan sehat dari dokter yang memiliki SIP', false, 5),
  ('bpp', 'SIP_DOKTER_GIGI', 'SIP_LAMA', 'SIP sebelumnya (untuk SIP kedua/ketiga atau perpanjangan)', false, 6),
  ('bpp', 'SIP_DOKTER_GIGI', 'PERSETUJUAN_ATASAN', 'Persetujuan atasan langsung (pegawai tetap fasilitas pelayanan kesehatan)', false, 7),
  ('bpp', 'SIP_PERAWAT', 'STR', 'Surat Tanda Registrasi (STR)', true, 1),
  ('bpp', 'SIP_PERAWAT', 'SURAT_TEMPAT_PRAKTIK', 'Surat keterangan tempat praktik dari fasilitas pelayanan kesehatan', true, 2),
  ('bpp', 'SIP_PERAWAT', 'KTP', 'Kartu Tanda Penduduk elektronik (e-KTP)', true, 3),
  ('bpp', 'SIP_PERAWAT', 'PAS_FOTO', 'Pas foto berwarna 4x6', false, 4),
  ('bpp', 'SIP_PERAWAT', 'SURAT_KETERANGAN_SEHAT', 'Surat keterangan sehat dari dokter yang memiliki SIP', false, 5),
  ('bpp', 'SIP_PERAWAT', 'SIP_LAMA', 'SIP sebelumnya (untuk SIP kedua/ketiga atau perpanjangan)', false, 6),
  ('bpp', 'SIP_PERAWAT', 'PERSETUJUAN_ATASAN', 'Persetujuan atasan langsung (pegawai tetap fasilitas pelayanan kesehatan)', false, 7),
  ('bpp', 'SIP_BIDAN', 'STR', 'Surat Tanda Registrasi (STR)', true, 1),
  ('bpp', 'SIP_BIDAN', 'SURAT_TEMPAT_PRAKTIK', 'Surat keterangan tempat praktik dari fasilitas pelayanan kesehatan', true, 2),
  ('bpp', 'SIP_BIDAN', 'KTP', 'Kartu Tanda Penduduk elektronik (e-KTP)', true, 3),
  ('bpp', 'SIP_BIDAN', 'PAS_FOTO', 'Pas foto berwarna 4x6', false, 4),
  ('bpp', 'SIP_BIDAN', 'SURAT_KETERANGAN_SEHAT', 'Surat keterangan sehat dari dokter yang memiliki SIP', false, 5),
  ('bpp', 'SIP_BIDAN', 'SIP_LAMA', 'SIP sebelumnya (untuk SIP kedua/ketiga atau perpanjangan)', false, 6),
  ('bpp', 'SIP_BIDAN', 'PERSETUJUAN_ATASAN', 'Persetujuan atasan langsung (pegawai tetap fasilitas pelayanan kesehatan)', false, 7),
  ('bpp', 'SIK', 'STR', 'Surat Tanda Registrasi Tenaga Teknis Kefarmasian (STRTTK)', true, 1),
  ('bpp', 'SIK', 'SURAT_TEMPAT_KERJA', 'Surat keterangan tempat kerja dari fasilitas kefarmasian', true, 2),
  ('bpp', 'SIK', 'KTP', 'Kartu Tanda Penduduk elektronik (e-KTP)', true, 3),
  ('bpp', 'SIK', 'PAS_FOTO', 'Pas foto berwarna 4x6', false, 4),
  ('bpp', 'SIK', 'SURAT_KETERANGAN_SEHAT', 'Surat keterangan sehat dari dokter yang memiliki SIP', false, 5),
  ('bpp', 'IZIN_REKLAME', 'KTP', 'KTP penanggung jawab', true, 1),
  ('bpp', 'IZIN_REKLAME', 'NPWP', 'Nomor Pokok Wajib Pajak (NPWP)', true, 2),
  ('bpp', 'IZIN_REKLAME', 'DESAIN_REKLAME', 'Desain dan ukuran reklame', true, 3),
  ('bpp', 'IZIN_REKLAME', 'FOTO_LOKASI', 'Foto dan denah lokasi pemasangan', true, 4),
  ('bpp', 'IZIN_REKLAME', 'IZIN_PEMILIK_LAHAN', 'Surat persetujuan pemilik lahan atau bangunan', true, 5),
  ('bpp', 'IZIN_REKLAME', 'NIB', 'Nomor Induk Berusaha (NIB)', false, 6),
  ('bpp', 'TDUP', 'KTP', 'KTP pemilik atau penanggung jawab', true, 1),
  ('bpp', 'TDUP', 'NIB', 'Nomor Induk Berusaha (NIB)', true, 2),
  ('bpp', 'TDUP', 'NPWP', 'Nomor Pokok Wajib Pajak (NPWP)', true, 3),
  ('bpp', 'TDUP', 'FOTO_LOKASI', 'Foto dan denah lokasi usaha', true, 4),
  ('bpp', 'TDUP', 'AKTA_PENDIRIAN', 'Akta pendirian badan usaha (untuk badan usaha)', false, 5)
ON CONFLICT (office_id, permit_type, code) DO UPDATE SET
  name = EXCLUDED.name, mandatory = EXCLUDED.mandatory, position = EXCLUDED.position;

-- ---------------------------------------------------------------------------------------------------
-- Partner clinics of SIBER: the health facilities of Kota Balikpapan whose location is known (37 of the 57
-- in the reference list: hospitals, puskesmas and clinics).
-- Coordinates: © OpenStreetMap contributors, ODbL (https://www.openstreetmap.org/copyright), from the
-- OpenStreetMap extract in github:Daburbf/Balikpapan_Flood_Route (data/tempat_balikpapan.csv@728929c5ae13).
-- Names, kecamatan and street addresses: the 2021 Kemenkes hospital list snapshot
-- (github:clumsyyyy/Milestone02_K01), the Balikpapan city site (web.balikpapan.go.id) and local news
-- (kalimantan.bisnis.com, kaltim.prokal.co, kotaku.co.id, ...); where a street address is unknown the
-- address names the kecamatan, or only the city. Ids are short slugs chosen for the demo.
-- ---------------------------------------------------------------------------------------------------
INSERT INTO clinics (office_id, id, name, kind, address, latitude, longitude) VALUES
  ('bpp', 'rsud-kanujoso', 'RSUD Dr. Kanujoso Djatiwibowo', 'hospital', 'Jl. MT Haryono No.656, Batu Ampar, Balikpapan Utara', -1.2240036352468662, 116.86884315476138),
  ('bpp', 'rsud-beriman', 'RSUD Beriman (RSUD Kota Balikpapan)', 'hospital', 'Jl. Mayjen Sutoyo (Gunung Malang), Kel. Gunung Sari Ulu, Balikpapan Tengah', -1.2632244, 116.8472077),
  ('bpp', 'rs-pertamina', 'RS Pertamina Balikpapan (RSPB)', 'hospital', 'Jl. Jenderal Sudirman No.1, Prapatan, Balikpapan Kota', -1.2787469682696495, 116.817718417278),
  ('bpp', 'rst-hardjanto', 'RS Tk. II Dr. R. Hardjanto (RST Balikpapan)', 'hospital', 'Jl. Tanjungpura I, Klandasan Ulu, Balikpapan Kota, Balikpapan 76111', -1.2739548289682932, 116.82888522685116),
  ('bpp', 'rs-bhayangkara', 'RS Bhayangkara Balikpapan', 'hospital', 'Jl. Jenderal Sudirman No.14, Klandasan Ilir, Balikpapan Kota', -1.2797769413734237, 116.81974426868578),
  ('bpp', 'rs-siloam', 'RS Siloam Hospitals Balikpapan', 'hospital', 'Jl. Letkol Pol. H.M. Asnawi Arbain No.23, Damai, Balikpapan Kota', -1.2522841699193663, 116.87031081849157),
  ('bpp', 'rs-hermina', 'RS Hermina Balikpapan', 'hospital', 'Kota Balikpapan', -1.2298554034437665, 116.87454987945114),
  ('bpp', 'rs-restu-ibu', 'RS Restu Ibu', 'hospital', 'Kota Balikpapan', -1.2723611820524332, 116.83722112056697),
  ('bpp', 'rsb-kasih-ibu', 'RS Bersalin Kasih Ibu', 'hospital', 'Kota Balikpapan', -1.2553874999999999, 116.84217250000002),  -- OSM only; not in the 2021 Kemenkes list
  ('bpp', 'rs-ibnu-sina', 'RS Ibnu Sina Balikpapan', 'hospital', 'Kota Balikpapan', -1.242914774018095, 116.83468254707655),  -- OSM node 'Klinik Ibnu Sina', tagged hospital (status unverified)
  ('bpp', 'rs-omni', 'Omni Hospital', 'hospital', 'Kota Balikpapan', -1.2431814, 116.872623),  -- OSM only; not in the 2021 Kemenkes list (unverified)
  ('bpp', 'pkm-klandasan-ilir', 'Puskesmas Klandasan Ilir', 'puskesmas', 'Jl. Jenderal Sudirman (Pasar Baru), Kel. Klandasan Ilir, Balikpapan Kota', -1.2761648500000002, 116.8442565),
  ('bpp', 'pkm-damai', 'Puskesmas Damai', 'puskesmas', 'Kota Balikpapan', -1.2630906266220239, 116.85953268404661),
  ('bpp', 'pkm-manggar', 'Puskesmas Manggar', 'puskesmas', 'Kec. Balikpapan Timur, Kota Balikpapan', -1.2424773147262431, 116.94109319441205),
  ('bpp', 'pkm-sepinggan', 'Puskesmas Sepinggan', 'puskesmas', 'Kec. Balikpapan Selatan, Kota Balikpapan', -1.2584276330289204, 116.90787881810175),  -- OSM tags it amenity=hospital
  ('bpp', 'pkm-gunung-bahagia', 'Puskesmas Gunung Bahagia', 'puskesmas', 'Kec. Balikpapan Selatan, Kota Balikpapan', -1.2424218999999999, 116.88342884999997),  -- OSM tags it amenity=hospital
  ('bpp', 'pkm-mekar-sari', 'Puskesmas Mekar Sari', 'puskesmas', 'Kec. Balikpapan Tengah, Kota Balikpapan', -1.2574195000000001, 116.83874315),
  ('bpp', 'pkm-gunung-sari-ilir', 'Puskesmas Gunung Sari Ilir', 'puskesmas', 'Kec. Balikpapan Tengah, Kota Balikpapan', -1.267357896850124, 116.83826586564324),
  ('bpp', 'pkm-gunung-sari-ulu', 'Puskesmas Gunung Sari Ulu', 'puskesmas', 'Kec. Balikpapan Tengah, Kota Balikpapan', -1.2611075366711941, 116.84674509178622),
  ('bpp', 'pkm-sumber-rejo', 'Puskesmas Sumber Rejo', 'puskesmas', 'Kec. Balikpapan Tengah, Kota Balikpapan', -1.2474392171594524, 116.84642646622149),
  ('bpp', 'pkm-muara-rapak', 'Puskesmas Muara Rapak', 'puskesmas', 'Kec. Balikpapan Utara, Kota Balikpapan', -1.240603363434264, 116.83508752903099),
  ('bpp', 'pkm-graha-indah', 'Puskesmas Graha Indah', 'puskesmas', 'Kec. Balikpapan Utara, Kota Balikpapan', -1.1974528673262126, 116.85137708756923),
  ('bpp', 'pkm-gunung-samarinda', 'Puskesmas Gunung Samarinda', 'puskesmas', 'Kec. Balikpapan Utara, Kota Balikpapan', -1.2347287472285238, 116.84340899245704),
  ('bpp', 'pkm-baru-ulu', 'Puskesmas Baru Ulu', 'puskesmas', 'Kec. Balikpapan Barat, Kota Balikpapan', -1.2254672, 116.8167442),
  ('bpp', 'pkm-baru-tengah', 'Puskesmas Baru Tengah', 'puskesmas', 'Kec. Balikpapan Barat, Kota Balikpapan', -1.23368255, 116.81571305),
  ('bpp', 'pkm-sidomulyo', 'Puskesmas Sidomulyo', 'puskesmas', 'Kota Balikpapan', -1.2298868, 116.8237578),  -- OSM name only; not in the DKK/news lists (unverified)
  ('bpp', 'klinik-karunia', 'Karunia Medical Clinic Balikpapan', 'clinic', 'Kota Balikpapan', -1.2416918, 116.8671309),
  ('bpp', 'klinik-grand-medica', 'Klinik Grand Medica', 'clinic', 'Kota Balikpapan', -1.26797217884831, 116.87990226429581),
  ('bpp', 'klinik-kkp-balikpapan', 'Klinik Kesehatan Pelabuhan Kelas 2 Balikpapan', 'clinic', 'Kota Balikpapan', -1.2205417840912938, 116.81785745613347),
  ('bpp', 'klinik-kusuma', 'Kusuma Medical Center', 'clinic', 'Kota Balikpapan', -1.2690064744566274, 116.84447427365212),
  ('bpp', 'klinik-tirta', 'Tirta Medical Center', 'clinic', 'Kota Balikpapan', -1.2418337, 116.8772093),
  ('bpp', 'klinik-hesti-wira-sakti', 'Klinik Hesti Wira Sakti', 'clinic', 'Kota Balikpapan', -1.2731927771731006, 116.82807403889859),
  ('bpp', 'klinik-ika-pati', 'Klinik Ika Pati', 'clinic', 'Kota Balikpapan', -1.2342198233160928, 116.81881893379672),
  ('bpp', 'klinik-griya-bunda-sehat', 'Griya Bunda Sehat', 'clinic', 'Kota Balikpapan', -1.239247596893965, 116.93852842698345),
  ('bpp', 'klinik-kimia-farma', 'Klinik Kimia Farma', 'clinic', 'Kota Balikpapan', -1.2462778942365063, 116.8349129755463),
  ('bpp', 'klinik-gigi-cahya', 'Klinik Ahli Gigi Cahya', 'clinic', 'Kota Balikpapan', -1.2408408710816756, 116.82857909174776),
  ('bpp', 'klinik-smec-mata', 'SMEC Klinik Spesialis Mata', 'clinic', 'Kota Balikpapan', -1.2430831, 116.8625464)  -- probably the same facility as RS Khusus Mata SMEC (unverified)
ON CONFLICT (office_id, id) DO UPDATE SET
  name = EXCLUDED.name, kind = EXCLUDED.kind, address = EXCLUDED.address,
  latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude;

COMMIT;
