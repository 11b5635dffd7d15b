# Hotel PMS + AMAGE work-order back end.  See README.md.
#   make          build lib/, the four FastCGI binaries and bin/pms-admin
#   make run      deps, build, start the local stack (var/), print examples
#   make stop     stop the local stack
#   make test     the whole suite (unit, fuzz corpora, integration, OpenAPI
#                 lint and response check, deployment modes) against a
#                 stack of its own (var/test, ASan build), see scripts/test.sh
#   make docs     the API reference page (build/docs/, served at /docs/)
#   make bench    benchmarks (never part of make test)
#   make fuzz     fuzzing campaigns with libFuzzer (never part of make test)
#   make cluster  the stack on a 3-node Galera cluster (var/cluster); make
#                 cluster-stop stops it; make test-cluster tests on one,
#                 make bench-cluster measures pickups on it

FAMILIES   := units allotments long-stay-contracts work-orders
MYSQL_CFLAGS := $(shell mariadb_config --cflags 2>/dev/null)
MYSQL_LIBS   := $(shell mariadb_config --libs 2>/dev/null)

CC      ?= cc
CFLAGS_BASE := -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -Ilib $(MYSQL_CFLAGS)
CFLAGS_release := $(CFLAGS_BASE) -O2 -g
CFLAGS_asan    := $(CFLAGS_BASE) -O1 -g -fno-omit-frame-pointer -DPMS_FAULT_INJECTION \
                  -fsanitize=address,undefined -fno-sanitize-recover=undefined
# make fuzz: libFuzzer needs clang; its objects cannot mix with gcc's ASan.
CFLAGS_fuzz    := $(CFLAGS_BASE) -O1 -g -fno-omit-frame-pointer \
                  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
CC_release := $(CC)
CC_asan    := $(CC)
CC_fuzz    := clang
LDLIBS  := -lfcgi -lcjson -lcrypto $(MYSQL_LIBS)

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_HDR := $(wildcard lib/*.h)

# build/<variant>/lib/x.o, build/<variant>/libpms.a
lib_objs = $(patsubst lib/%.c,build/$(1)/lib/%.o,$(LIB_SRC))
fam_srcs = $(sort $(wildcard cgi-bin/$(1)/*.c))
fam_objs = $(patsubst cgi-bin/%.c,build/$(2)/cgi-bin/%.o,$(call fam_srcs,$(1)))

RELEASE_BINS := $(foreach f,$(FAMILIES),cgi-bin/$(f).fcgi)
ASAN_BINS    := $(foreach f,$(FAMILIES),build/asan/cgi-bin/$(f).fcgi)
UNIT_TESTS   := $(patsubst tests/unit/%.c,build/asan/tests/unit/%,$(wildcard tests/unit/test_*.c))
INTEG_TESTS  := $(patsubst tests/integration/%.c,build/asan/tests/integration/%,$(wildcard tests/integration/test_*.c))
# The fuzz harnesses, each linked with tests/fuzz/driver.c (a main() that
# replays a corpus without libFuzzer), in the ASan/UBSan build.
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,build/asan/tests/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
# The same harnesses linked with libFuzzer (clang), for make fuzz.
FUZZERS      := $(patsubst tests/fuzz/%.c,build/fuzz/tests/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all asan unit-tests integration-tests cluster-tests fuzz-tests fuzz docs deps run stop test bench clean cluster cluster-stop test-cluster bench-cluster
all: $(RELEASE_BINS) bin/pms-admin

asan: $(ASAN_BINS)

define variant_rules
build/$(1)/lib/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $$(@D)
	@echo "  CC [$(1)] $$<"
	@$$(CC_$(1)) $$(CFLAGS_$(1)) -c -o $$@ $$<
build/$(1)/libpms.a: $(call lib_objs,$(1))
	@mkdir -p $$(@D)
	@rm -f $$@ && ar rcs $$@ $$^
build/$(1)/cgi-bin/%.o: cgi-bin/%.c $(LIB_HDR) $$(wildcard cgi-bin/*/*.h)
	@mkdir -p $$(@D)
	@echo "  CC [$(1)] $$<"
	@$$(CC_$(1)) $$(CFLAGS_$(1)) -c -o $$@ $$<
endef
$(eval $(call variant_rules,release))
$(eval $(call variant_rules,asan))
$(eval $(call variant_rules,fuzz))

define family_rules
cgi-bin/$(1).fcgi: $(call fam_objs,$(1),release) build/release/libpms.a
	@echo "  LD $$@"
	@$$(CC) $$(CFLAGS_release) -o $$@ $$^ $$(LDLIBS)
build/asan/cgi-bin/$(1).fcgi: $(call fam_objs,$(1),asan) build/asan/libpms.a
	@mkdir -p $$(@D)
	@echo "  LD $$@"
	@$$(CC) $$(CFLAGS_asan) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach f,$(FAMILIES),$(eval $(call family_rules,$(f))))

ADMIN_SRC := $(sort $(wildcard scripts/pms-admin/*.c))
bin/pms-admin: $(ADMIN_SRC) $(wildcard scripts/pms-admin/*.h) build/release/libpms.a $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_release) -o $@ $(ADMIN_SRC) build/release/libpms.a $(LDLIBS)

unit-tests: $(UNIT_TESTS)
build/asan/tests/unit/%: tests/unit/%.c build/asan/libpms.a $(LIB_HDR) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_asan) -o $@ $< build/asan/libpms.a -lcmocka $(LDLIBS)

# test_codes also links the families' catalogues (cgi-bin/*/*_codes.c) and
# includes codes_used.h: each "UPPER_SNAKE" literal from a respond_error(,
# respond_resource( or write_refuse(
# to the ; ending its statement, in cgi-bin/<family>/*.c and lib/*.c, as
# { "<family>" or "lib", "CODE", "file:line" },
define CODES_USED_AWK
FNR == 1 { fam = FILENAME; sub(/^cgi-bin\//, "", fam); sub(/\/.*/, "", fam); open = 0 }
!open && ((i = index($$0, "respond_error(")) > 0 || (i = index($$0, "respond_resource(")) > 0 || (i = index($$0, "write_refuse(")) > 0) { open = 1; at = FNR; acc = ""; $$0 = substr($$0, i) }
open { acc = acc " " $$0 }
open && (j = index(acc, ";")) > 0 {
	s = substr(acc, 1, j)
	while (match(s, /"[A-Z][A-Z0-9_]*"/)) {
		printf "{ \"%s\", %s, \"%s:%d\" },\n", fam, substr(s, RSTART, RLENGTH), FILENAME, at
		s = substr(s, RSTART + RLENGTH)
	}
	open = 0
}
endef
# Exported: a recipe line cannot hold a multi-line variable, the shell can.
export CODES_USED_AWK
CODES_SRC := $(sort $(wildcard cgi-bin/*/*_codes.c))
build/asan/tests/unit/codes_used.h: $(sort $(wildcard cgi-bin/*/*.c)) $(LIB_SRC)
	@mkdir -p $(@D)
	@awk "$$CODES_USED_AWK" $^ > $@.tmp && mv $@.tmp $@
build/asan/tests/unit/test_codes: tests/unit/test_codes.c build/asan/tests/unit/codes_used.h $(patsubst cgi-bin/%.c,build/asan/cgi-bin/%.o,$(CODES_SRC)) build/asan/libpms.a $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_asan) -I$(@D) -o $@ $< $(filter %.o,$^) build/asan/libpms.a -lcmocka $(LDLIBS)

# test_work_order_dto links the family's DTO table and what it calls.
WO_DTO_OBJS := $(patsubst %,build/asan/cgi-bin/work-orders/%.o,work_order_dto derived)
build/asan/tests/unit/test_work_order_dto: tests/unit/test_work_order_dto.c $(WO_DTO_OBJS) build/asan/libpms.a $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_asan) -Icgi-bin/work-orders -o $@ $< $(WO_DTO_OBJS) build/asan/libpms.a -lcmocka $(LDLIBS)

integration-tests: $(INTEG_TESTS)
# What every integration test links besides its own file.
INTEG_SUPPORT := harness scratch response_log stack_procs load_client
INTEG_SUPPORT_SRC := $(INTEG_SUPPORT:%=tests/integration/%.c)
build/asan/tests/integration/%: tests/integration/%.c $(INTEG_SUPPORT_SRC) $(INTEG_SUPPORT:%=tests/integration/%.h) build/asan/libpms.a $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_asan) -Itests/integration -o $@ $< $(INTEG_SUPPORT_SRC) build/asan/libpms.a -lcurl $(LDLIBS)

# The cluster tests (make test-cluster), linked like the integration tests.
CLUSTER_TESTS := $(patsubst tests/cluster/%.c,build/asan/tests/cluster/%,$(wildcard tests/cluster/test_*.c))
cluster-tests: $(CLUSTER_TESTS)
build/asan/tests/cluster/%: tests/cluster/%.c $(INTEG_SUPPORT_SRC) $(INTEG_SUPPORT:%=tests/integration/%.h) build/asan/libpms.a $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_asan) -Itests/integration -o $@ $< $(INTEG_SUPPORT_SRC) build/asan/libpms.a -lcurl $(LDLIBS)

fuzz-tests: $(FUZZ_BINS)
build/asan/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/driver.c build/asan/libpms.a $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_asan) -o $@ $< tests/fuzz/driver.c build/asan/libpms.a $(LDLIBS)

deps:
	@scripts/deps.sh

# Fuzzing campaigns (never part of make test): each harness under
# libFuzzer for a bounded number of runs, what it finds merged into
# tests/fuzz/corpus (scripts/fuzz.sh; FUZZ_RUNS, FUZZ_SECONDS).
fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZERS)
	@scripts/fuzz.sh

build/fuzz/tests/fuzz/%: tests/fuzz/%.c build/fuzz/libpms.a $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC_fuzz) $(CFLAGS_fuzz) -fsanitize=fuzzer -o $@ $< build/fuzz/libpms.a $(LDLIBS)

run: deps
	@$(MAKE) --no-print-directory all docs
	@scripts/stack.sh start
	@scripts/stack.sh examples

stop:
	@scripts/stack.sh stop

# The stack on a 3-node Galera cluster (scripts/cluster.sh, docs/cluster.md).
cluster:
	@scripts/deps.sh cluster
	@$(MAKE) --no-print-directory all
	@scripts/cluster.sh start

cluster-stop:
	@scripts/cluster.sh stop

# Pickups on one hot allotment through one node, then through all three.
bench-cluster:
	@scripts/deps.sh cluster
	@$(MAKE) --no-print-directory all
	@scripts/bench-cluster.sh

# Races across nodes and a node killed under write load, on a cluster of
# its own (var/test-cluster); not part of make test.
test-cluster:
	@scripts/deps.sh cluster
	@$(MAKE) --no-print-directory all asan integration-tests cluster-tests
	@scripts/test-cluster.sh

test: deps
	@$(MAKE) --no-print-directory all asan unit-tests integration-tests fuzz-tests docs
	@scripts/test.sh

# The API reference page that the stack serves at /docs/.
docs: build/docs/index.html

build/docs/index.html: docs/openapi.yaml tests/openapi/build-reference.mjs
	@echo "  DOCS $@"
	@node tests/openapi/build-reference.mjs docs/openapi.yaml $@

bench: deps
	@$(MAKE) --no-print-directory all build/release/bench_sign
	@scripts/bench.sh

build/release/bench_sign: tests/bench/bench_sign.c build/release/libpms.a $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS_release) -o $@ $< build/release/libpms.a $(LDLIBS)

clean:
	rm -rf build bin $(RELEASE_BINS)
