# Le Fil Tech: build, preview, test and publish the multilingual site.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN := $(BIN)/pelican
INPUTDIR := content
OUTPUTDIR := output
# `make devserver` writes here, never into OUTPUTDIR (what `make publish` builds and deploy ships).
PREVIEWDIR ?= preview
CONFFILE := pelicanconf.py
PUBLISHCONF := publishconf.py
CATALOGS := theme/translations
POT := $(CATALOGS)/messages.pot
HOST ?= 127.0.0.1
PORT ?= 8000
PELICANOPTS ?=
# Test processes of `make test` (pytest-xdist; each takes whole test files, so a
# file's server or browser starts once): 2 = this machine's cores; 0 = one process.
TEST_JOBS ?= 2
# 0 skips `make check` inside `make publish` (for tests that only need the build)
PUBLISH_CHECK ?= 1
# Wide log lines, so a file path and its message are never wrapped apart.
export COLUMNS ?= 200
STAMP := $(VENV)/.installed
# deploy-rsync: RSYNC_DEST=user@host:/var/www/lefiltech/
RSYNC_DEST ?=
GHPAGES_BRANCH ?= gh-pages
CHROMIUM ?= /usr/bin/chromium
# Web editor (make cms): Node packages pinned in package.json/package-lock.json.
NPM ?= npm
CMS_STAMP := node_modules/.cms-installed
# Editors' command (newsroom/cli.py). LANG=… given on the make command line is
# the language of a new article or translation; LANG from the environment (the
# locale) is not.
NEWSROOM := PYTHONUTF8=1 $(BIN)/newsroom
NEWSROOMOPTS := -s $(CONFFILE) --content $(INPUTDIR)
EDITOR_LANG = $(if $(filter command line,$(origin LANG)),$(LANG))
# Thumbor of the image service mode (its own virtualenv: it pins an older Pillow).
THUMBOR_VENV ?= .thumbor-venv
THUMBOR_PORT ?= 8888
THUMBOR_KEY_ENV ?= THUMBOR_SECURITY_KEY
THUMBOR_STAMP := $(THUMBOR_VENV)/.installed
THUMBOR_PID := $(THUMBOR_VENV)/thumbor.pid

.DEFAULT_GOAL := help
.PHONY: help venv html serve devserver publish check bench bench-preview bench-wordpress weight deploy-rsync deploy-ghpages clean test translations chromium
.PHONY: article translation translation-done lint status guard-outputdir import-wordpress
.PHONY: guard-not-preview
.PHONY: fonts screenshots
.PHONY: cms-install cms bench-cms
.PHONY: thumbor thumbor-venv thumbor-stop bench-images-service

help: ## Show this help
	@echo "Le Fil Tech — make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'
	@echo "Variables: VENV=$(VENV) PORT=$(PORT) SITEURL=… (publish)"

# The virtualenv is (re)built when missing or older than the pinned requirements.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

venv: $(STAMP) ## Create or update the virtualenv from the pinned requirements

html: $(STAMP) ## Build the preview site into output/
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

# newsroom/siteserver.py: unknown URLs get status 404 and the 404 page of their language.
serve: $(STAMP) ## Serve output/ on http://HOST:PORT/ (127.0.0.1:8000)
	$(BIN)/python -m newsroom.siteserver --bind $(HOST) --port $(PORT) $(OUTPUTDIR)

# Watches content/, theme/, plugins/, newsroom/ and the settings; open pages reload themselves.
devserver: $(STAMP) ## Live preview on http://HOST:PORT/: rebuild on change, reload the browser
	$(NEWSROOM) serve $(NEWSROOMOPTS) --host $(HOST) --port $(PORT) --output $(PREVIEWDIR) -- $(PELICANOPTS)

# Editors. Values go through the environment so quotes and $ in a title are kept as typed.
article: export NEWSROOM_TITLE := $(value TITLE)
article: export NEWSROOM_CATEGORY := $(value CATEGORY)
article: export NEWSROOM_TAGS := $(value TAGS)
article: $(STAMP) ## New draft article: TITLE="…" [LANG=fr] [CATEGORY=…] [TAGS=…] [DATE=…]
	@test -n "$$NEWSROOM_TITLE" || { echo 'usage: make article TITLE="Mon titre" [LANG=fr] [CATEGORY=…]'; exit 2; }
	@$(NEWSROOM) article $(NEWSROOMOPTS) "$$NEWSROOM_TITLE" $(if $(EDITOR_LANG),--lang '$(EDITOR_LANG)') \
	  $(if $(CATEGORY),--category "$$NEWSROOM_CATEGORY") $(if $(TAGS),--tags "$$NEWSROOM_TAGS") \
	  $(if $(DATE),--date '$(DATE)') $(if $(SLUG),--slug '$(SLUG)')

translation: export NEWSROOM_TITLE := $(value TITLE)
translation: $(STAMP) ## New translation next to its original: SLUG=… LANG=en [TITLE="translated title"]
	@test -n "$(SLUG)" -a -n "$(EDITOR_LANG)" || { echo 'usage: make translation SLUG=<slug> LANG=<lang> [TITLE="…"]'; exit 2; }
	@$(NEWSROOM) translation $(NEWSROOMOPTS) '$(SLUG)' --lang '$(EDITOR_LANG)' $(if $(TITLE),--title "$$NEWSROOM_TITLE")

translation-done: $(STAMP) ## Record that a translation matches its original again: SLUG=… LANG=…
	@test -n "$(SLUG)" -a -n "$(EDITOR_LANG)" || { echo 'usage: make translation-done SLUG=<slug> LANG=<lang>'; exit 2; }
	@$(NEWSROOM) translation-done $(NEWSROOMOPTS) '$(SLUG)' --lang '$(EDITOR_LANG)'

import-wordpress: $(STAMP) ## Import a WordPress export: WXR=export.xml [LANG=fr] [UPLOADS=wp-content/uploads]
	@test -n "$(WXR)" || { echo 'usage: make import-wordpress WXR=export.xml [LANG=xx] [UPLOADS=path/to/wp-content/uploads]'; exit 2; }
	@$(NEWSROOM) import-wordpress $(NEWSROOMOPTS) '$(WXR)' $(if $(EDITOR_LANG),--lang '$(EDITOR_LANG)') \
	  $(if $(UPLOADS),--uploads '$(UPLOADS)')

lint: $(STAMP) ## Check every file in content/ without building (path:line: problem (fix))
	@$(NEWSROOM) lint $(NEWSROOMOPTS)

status: $(STAMP) ## Translation status per article: missing and outdated translations
	@$(NEWSROOM) status $(NEWSROOMOPTS)

# `make clean` and `make publish` delete OUTPUTDIR: refuse one that is, holds or is
# inside the content folder (OUTPUTDIR=content, OUTPUTDIR=. …).
# (A prerequisite, so it runs before anything else of theirs.)
guard-outputdir:
	@$(PYTHON) -c 'import os, sys; o, i = map(os.path.realpath, sys.argv[1:3]); \
	  sys.exit(os.path.commonpath([o, i]) in (o, i) and " ".join(sys.argv[3:]) % tuple(sys.argv[1:3]))' \
	  '$(OUTPUTDIR)' '$(INPUTDIR)' 'OUTPUTDIR=%s would delete the content in %s/:' \
	  'choose another folder, e.g. OUTPUTDIR=output'

# Built beside output/, checked, and swapped in only on success: a failed
# publish (a full disk included: output.new/ is removed) leaves output/ exactly as it was (and one killed between the two
# renames is put back by the next publish).
publish: guard-outputdir $(STAMP) ## Strict build with publishconf.py, checked (SITEURL=https://… to override)
	@if [ ! -d $(OUTPUTDIR) ] && [ -d $(OUTPUTDIR).old ]; then \
	  echo "publish: restoring $(OUTPUTDIR)/ from $(OUTPUTDIR).old/ (a publish was interrupted while swapping)"; \
	  mv $(OUTPUTDIR).old $(OUTPUTDIR); fi
	rm -rf $(OUTPUTDIR).new
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR).new -s $(PUBLISHCONF) $(PELICANOPTS) || { rm -rf $(OUTPUTDIR).new; exit 1; }
	@if [ "$(PUBLISH_CHECK)" = 1 ]; then $(MAKE) --no-print-directory check CHECKDIR=$(OUTPUTDIR).new || { rm -rf $(OUTPUTDIR).new; exit 1; }; fi
	rm -rf $(OUTPUTDIR).old
	if [ -d $(OUTPUTDIR) ]; then mv $(OUTPUTDIR) $(OUTPUTDIR).old; fi
	mv $(OUTPUTDIR).new $(OUTPUTDIR)
	rm -rf $(OUTPUTDIR).old

check: $(STAMP) chromium ## Quality gate on the built site: links, hreflang, v.Nu, axe-core
	$(BIN)/python -m newsroom.check $(or $(CHECKDIR),$(OUTPUTDIR))

# A folder `newsroom serve` wrote (its marker file, newsroom/serve.py PREVIEW_MARKER)
# has drafts and the reload script: never deployed.
guard-not-preview:
	@test ! -e $(OUTPUTDIR)/.newsroom-preview || { echo "deploy: $(OUTPUTDIR)/ was written by a live preview (newsroom serve: drafts, reload script); run 'make publish' and deploy that"; exit 2; }

# Both deploy targets deploy output/ only after it passes `make check`.
deploy-rsync: guard-not-preview ## Check output/ then rsync it to RSYNC_DEST=user@host:/path/
	@test -n "$(RSYNC_DEST)" || { echo "deploy-rsync: set RSYNC_DEST=user@host:/path/"; exit 2; }
	$(MAKE) --no-print-directory check
	rsync -avz --delete --checksum --exclude=/.newsroom-output.json $(OUTPUTDIR)/ $(RSYNC_DEST)

deploy-ghpages: guard-not-preview ## Check output/ then push it to the gh-pages branch (ghp-import)
	$(MAKE) --no-print-directory check
	$(BIN)/ghp-import --no-jekyll --push --force --branch $(GHPAGES_BRANCH) $(OUTPUTDIR)

# Articles per language of the timed rounds; of each point of the memory curve (NS=""
# for none, NS="100 1000" to cut it down); corpus: today (dates with offset, the
# sample's categories) or issue (dates without offset, categories outside the list).
N ?= 1000
NS ?= 100 1000 3000
CORPUS ?= today
# Posts in the generated export of `make bench-wordpress`.
WP_N ?= 20000
LANGS ?= fr,en,de
ROUNDS ?= 3
bench: $(STAMP) ## Benchmark vs i18n_subsites, monolingual Pelican, Hugo; CPU per source, memory curve (N=1000 NS="100 1000 3000" CORPUS=today|issue)
	$(BIN)/python bench/run.py -n $(N) --langs $(LANGS) --rounds $(ROUNDS) --curve "$(NS)" --corpus $(CORPUS)

# Corpora of `make bench-preview`: the sample's way and Pelican's way (bench/corpus.py).
PREVIEW_CORPUS ?= today,pelican
bench-preview: $(STAMP) ## Preview latency: edit → served page, first build, memory (N=1000 LANGS=fr,en,de PREVIEW_CORPUS=today,pelican)
	$(BIN)/python bench/preview.py -n $(N) --langs $(LANGS) --corpus $(PREVIEW_CORPUS)

bench-wordpress: $(STAMP) ## Import benchmark: a generated WordPress export of WP_N=20000 posts (time, peak memory)
	$(BIN)/python bench/wordpress.py -n $(WP_N)

# Articles per language of `make bench-images`, and its modes (build-time, and image service).
IMAGES_N ?= 40
IMAGE_MODES ?= build,service
.PHONY: bench-images bench-cards
CARDS_N ?= 400
bench-images: $(STAMP) ## Images at archive scale: CPU and bytes per derivative, CPU/cache/memory per photo (IMAGES_N=40)
	$(BIN)/python bench/images_bench.py -n $(IMAGES_N) --modes $(IMAGE_MODES)

bench-cards: $(STAMP) ## CPU per drawn social card, whole card vs title rows encoded (CARDS_N=400)
	$(BIN)/python bench/cards.py -n $(CARDS_N)

weight: $(STAMP) chromium ## Page weight, requests and Lighthouse scores of the sample site
	@if [ ! -x bench/node_modules/.bin/lighthouse ] && command -v npm >/dev/null; then \
	  echo "Installing Lighthouse (npm) into bench/node_modules…"; \
	  npm install --prefix bench --no-save --no-audit --no-fund lighthouse@12.8.2 >/dev/null; fi
	CHROMIUM=$(CHROMIUM) $(BIN)/python bench/weight.py

translations: $(STAMP) ## Extract theme strings and update/compile every language's catalog
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output -o $(POT) theme/templates
	@for lang in $$($(BIN)/python -c "import os, pelicanconf; print(' '.join(sorted(set(pelicanconf.LANGUAGES) | {d for d in os.listdir('$(CATALOGS)') if os.path.isdir('$(CATALOGS)/' + d)})))"); do \
	  if [ -f $(CATALOGS)/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel -q update --no-fuzzy-matching -i $(POT) -d $(CATALOGS) -l $$lang; \
	  else \
	    $(BIN)/pybabel -q init -i $(POT) -d $(CATALOGS) -l $$lang; \
	  fi; \
	done
	$(BIN)/pybabel -q compile --statistics -d $(CATALOGS)

# The WOFF2 files are committed: only a change of typeface or of LANGUAGES' scripts needs this.
fonts: $(STAMP) ## Regenerate theme/static/fonts/: the typefaces subset to the languages' scripts
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
	  -r plugins/brand/fonts-requirements.txt
	$(BIN)/python plugins/brand/fonts.py --settings $(CONFFILE) --out theme/static/fonts

screenshots: html chromium ## Article (desktop, phone, dark) and home page in headless Chromium → docs/screenshots/
	CHROMIUM=$(CHROMIUM) $(BIN)/python docs/screenshots/shoot.py --site $(OUTPUTDIR) --out docs/screenshots

test: $(STAMP) chromium $(CMS_STAMP) $(THUMBOR_STAMP) ## Run the test suite (installs Debian's chromium, the web editor and Thumbor's venv)
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need chromium at $(CHROMIUM): run 'sudo apt-get install chromium'"; \
	    echo "(Debian/Ubuntu) or set CHROMIUM=/path/to/chromium."; exit 1; \
	  fi; \
	fi

# The preview's folder only if a preview wrote it (its marker): PREVIEWDIR=content is left alone.
clean: guard-outputdir ## Remove the built site, the preview's folder and caches (never content/)
	rm -rf $(OUTPUTDIR) cache .pytest_cache
	@if [ -f $(PREVIEWDIR)/.newsroom-preview ]; then rm -rf $(PREVIEWDIR); fi

# The web editor's Node side, on first use: decap-server from the lock file, and
# the Decap CMS bundle (npm pack, sha512 checked against cms/decap.json).
$(CMS_STAMP): package.json package-lock.json cms/decap.json cms/fetch-decap.mjs
	@command -v $(NPM) >/dev/null || { echo "The web editor needs Node.js and npm (apt-get install nodejs npm)"; exit 1; }
	$(NPM) ci --no-audit --no-fund --ignore-scripts --loglevel=error
	node cms/fetch-decap.mjs
	@touch $@

cms-install: $(CMS_STAMP) ## Install the web editor (decap-server, the verified Decap bundle)

# Ctrl-C stops the preview and decap-server (newsroom/cms.py stops it by its pid).
cms: $(STAMP) $(CMS_STAMP) ## Web editor: live preview + Decap CMS at http://HOST:PORT/admin/ [CMS_WORKFLOW=1 CMS_REPO=../checkout]
	$(NEWSROOM) cms $(NEWSROOMOPTS) --host $(HOST) --port $(PORT) --output $(PREVIEWDIR) \
	  $(if $(filter 1,$(CMS_WORKFLOW)),--workflow) $(if $(CMS_REPO),--repo '$(CMS_REPO)') -- $(PELICANOPTS)

bench-cms: $(STAMP) $(CMS_STAMP) chromium ## Web editor on the bench corpus: load time, save → preview (N=1000 LANGS=fr,en,de)
	CHROMIUM=$(CHROMIUM) $(BIN)/python bench/cms.py -n $(N) --langs $(LANGS)
# -- image service mode (IMAGES = {"service": {"preset": "thumbor", …}}) -------------
$(THUMBOR_STAMP): plugins/images/thumbor-requirements.txt
	@test -x $(THUMBOR_VENV)/bin/python || $(PYTHON) -m venv $(THUMBOR_VENV)
	$(THUMBOR_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r plugins/images/thumbor-requirements.txt
	@touch $@

thumbor-venv: $(THUMBOR_STAMP) ## Install Thumbor 7.8 into its own virtualenv (.thumbor-venv/)

# The key is read from the environment variable THUMBOR_KEY_ENV names, as the build
# reads it (IMAGES['service']['key_env']); stopped by its process id (make thumbor-stop).
thumbor: $(THUMBOR_STAMP) ## Start Thumbor on HOST:THUMBOR_PORT reading OUTPUTDIR's originals (key: env THUMBOR_SECURITY_KEY)
	@printenv $(THUMBOR_KEY_ENV) >/dev/null || { echo "thumbor: export $(THUMBOR_KEY_ENV)=<a long random key> first (the build signs its URLs with it)"; exit 2; }
	@if [ -f $(THUMBOR_PID) ] && kill -0 $$(cat $(THUMBOR_PID)) 2>/dev/null; then \
	  echo "thumbor: already running (pid $$(cat $(THUMBOR_PID))); make thumbor-stop first"; exit 1; fi
	@THUMBOR_KEY_ENV=$(THUMBOR_KEY_ENV) THUMBOR_ROOT='$(abspath $(OUTPUTDIR))' nohup $(THUMBOR_VENV)/bin/thumbor \
	  --ip $(HOST) --port $(THUMBOR_PORT) --conf plugins/images/thumbor.conf >$(THUMBOR_VENV)/thumbor.log 2>&1 & echo $$! >$(THUMBOR_PID)
	@$(PYTHON) -c 'import sys, time, urllib.request; \
	  exec("for _ in range(100):\n try: urllib.request.urlopen(sys.argv[1], timeout=1); break\n except OSError: time.sleep(0.1)\nelse: sys.exit(1)")' \
	  'http://$(HOST):$(THUMBOR_PORT)/healthcheck' \
	  || { echo "thumbor: did not start; see $(THUMBOR_VENV)/thumbor.log"; kill $$(cat $(THUMBOR_PID)) 2>/dev/null; rm -f $(THUMBOR_PID); exit 1; }
	@echo "thumbor: http://$(HOST):$(THUMBOR_PORT)/ (pid $$(cat $(THUMBOR_PID))) serving $(OUTPUTDIR)/; make thumbor-stop to stop it"

# Service mode's build cost per photo against the same archive without photos
# (bench/images_service.py; SERVICE_N articles × fr, en; results in bench/).
SERVICE_N ?= 200
SERVICE_ROUNDS ?= 1
bench-images-service: $(STAMP) ## CPU per photo of a build in image service mode (SERVICE_N=200 SERVICE_ROUNDS=1)
	$(BIN)/python bench/images_service.py -n $(SERVICE_N) --rounds $(SERVICE_ROUNDS)

thumbor-stop: ## Stop the Thumbor started by make thumbor (by its process id)
	@if [ -f $(THUMBOR_PID) ]; then kill $$(cat $(THUMBOR_PID)) 2>/dev/null || true; rm -f $(THUMBOR_PID); echo "thumbor: stopped"; \
	else echo "thumbor: not running (no $(THUMBOR_PID))"; fi
