--
-- PostgreSQL database dump
--

\restrict PVDwRS3ToIj8nPUBLKKWFnFqogKJQCU9EZucLhc3khmN1NbmxrgXjBjD1TitG6h

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: severity; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.severity AS ENUM (
    'low',
    'medium',
    'high',
    'critical'
);


ALTER TYPE public.severity OWNER TO postgres;

--
-- Name: touch(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.title := trim(NEW.title); RETURN NEW; END; $$;


ALTER FUNCTION public.touch() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: findings; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.findings (
    id bigint NOT NULL,
    project_id bigint NOT NULL,
    severity public.severity NOT NULL,
    title text NOT NULL,
    evidence text
);


ALTER TABLE public.findings OWNER TO postgres;

--
-- Name: finding_counts; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.finding_counts AS
 SELECT findings.project_id,
    findings.severity,
    count(*) AS count
   FROM public.findings
  GROUP BY findings.project_id, findings.severity;


ALTER TABLE public.finding_counts OWNER TO postgres;

--
-- Name: findings_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.findings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.findings_id_seq OWNER TO postgres;

--
-- Name: findings_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.findings_id_seq OWNED BY public.findings.id;


--
-- Name: projects; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.projects (
    id bigint NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    settings jsonb DEFAULT '{}'::jsonb NOT NULL
);


ALTER TABLE public.projects OWNER TO postgres;

--
-- Name: projects_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.projects_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.projects_id_seq OWNER TO postgres;

--
-- Name: projects_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.projects_id_seq OWNED BY public.projects.id;


--
-- Name: findings id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.findings ALTER COLUMN id SET DEFAULT nextval('public.findings_id_seq'::regclass);


--
-- Name: projects id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.projects ALTER COLUMN id SET DEFAULT nextval('public.projects_id_seq'::regclass);


--
-- Data for Name: findings; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.findings (id, project_id, severity, title, evidence) FROM stdin;
1	1	high	SQL injection	line1\nline2
2	1	low	padded	\N
3	2	critical	Backslash \\. in text	\\.
4	3	medium	Unicode ✓ 😀	$$ not a quote $$
\.


--
-- Data for Name: projects; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.projects (id, name, created_at, settings) FROM stdin;
1	vega	2026-01-02 03:04:05+00	{"a": "b;c"}
2	tab\tand\\backslash	2026-01-02 03:04:05+00	{}
3	semi;colon 'quoted'	2026-01-02 03:04:05+00	{"x": null}
\.


--
-- Name: findings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: postgres
--

SELECT pg_catalog.setval('public.findings_id_seq', 4, true);


--
-- Name: projects_id_seq; Type: SEQUENCE SET; Schema: public; Owner: postgres
--

SELECT pg_catalog.setval('public.projects_id_seq', 3, true);


--
-- Name: findings findings_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.findings
    ADD CONSTRAINT findings_pkey PRIMARY KEY (id);


--
-- Name: projects projects_name_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.projects
    ADD CONSTRAINT projects_name_key UNIQUE (name);


--
-- Name: projects projects_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.projects
    ADD CONSTRAINT projects_pkey PRIMARY KEY (id);


--
-- Name: findings_project; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX findings_project ON public.findings USING btree (project_id, severity);


--
-- Name: findings findings_touch; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER findings_touch BEFORE INSERT OR UPDATE ON public.findings FOR EACH ROW EXECUTE FUNCTION public.touch();


--
-- Name: findings findings_project_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.findings
    ADD CONSTRAINT findings_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict PVDwRS3ToIj8nPUBLKKWFnFqogKJQCU9EZucLhc3khmN1NbmxrgXjBjD1TitG6h

