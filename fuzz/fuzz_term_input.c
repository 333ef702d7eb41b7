/* SPDX-License-Identifier: MIT */
/*
 * The terminal input parser (client/term_input.h), as a hostile command
 * meets it: the command chooses what the terminal reports (a title, a
 * colour, a mouse position) and when, and wants a letter of a report read
 * as an answer key.
 *
 * The input is a prefix of arbitrary bytes, fed as they are (no crash, no
 * out-of-range key), then a series of well-formed reports built from the
 * rest: control sequences in 7-bit, 8-bit and UTF-8 form, strings (OSC,
 * DCS, SOS, PM, APC) with any content a terminal could put between their
 * introducer and BEL or ST, SS3 keys, X10 mouse reports, bracketed pastes,
 * each followed by a typed key. Checked: once the parser is back in its
 * ground state (a pause gives up whatever the prefix left open), not one
 * byte of a report is a key, the parser is in the ground state after
 * each, and the typed key after it is that key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "term_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct report {
        unsigned char bytes[1024];
        size_t len;
};

static void put(struct report *r, unsigned char b)
{
        if (r->len < sizeof(r->bytes))
                r->bytes[r->len++] = b;
}

/* A byte from the input mapped into [low, high]. */
static unsigned char in_range(struct fuzz_input *in, unsigned char low, unsigned char high)
{
        return (unsigned char)(low + fuzz_u8(in) % (high - low + 1));
}

/* How a sequence is introduced: ESC and a 7-bit byte, the 8-bit C1
 * control, or that control encoded in UTF-8. */
static void introducer(struct report *r, struct fuzz_input *in, unsigned char seven_bit)
{
        unsigned char c1 = (unsigned char)(seven_bit + 0x40);
        switch (fuzz_u8(in) % 3) {
        case 0:
                put(r, 0x1b);
                put(r, seven_bit);
                break;
        case 1:
                put(r, c1);
                break;
        default:
                put(r, 0xc2);
                put(r, c1);
                break;
        }
}

static void control_sequence(struct report *r, struct fuzz_input *in)
{
        size_t n = fuzz_u8(in) % 16;
        bool empty = n == 0, number = true;
        uint32_t value = 0;

        introducer(r, in, '[');
        for (size_t i = 0; i < n; i++) {
                unsigned char b = in_range(in, 0x20, 0x3f);
                if (b >= '0' && b <= '9')
                        value = value < 100000 ? value * 10 + (uint32_t)(b - '0') : value;
                else
                        number = false;
                put(r, b);
        }
        unsigned char final = in_range(in, 0x40, 0x7e);
        put(r, final);
        if (final == 'M' && empty) {
                /* An X10 mouse report: any three bytes. */
                for (int i = 0; i < 3; i++)
                        put(r, fuzz_u8(in));
        } else if (final == '~' && number && !empty && value == 200) {
                /* A bracketed paste: anything but ESC, then its end. */
                size_t len = fuzz_u8(in);
                for (size_t i = 0; i < len; i++) {
                        unsigned char b = fuzz_u8(in);
                        put(r, b == 0x1b ? 'x' : b);
                }
                for (const char *end = "\033[201~"; *end; end++)
                        put(r, (unsigned char)*end);
        }
}

static void string(struct report *r, struct fuzz_input *in)
{
        static const unsigned char kinds[] = {']', 'P', 'X', '^', '_'};
        size_t len = fuzz_u8(in) % 200;

        introducer(r, in, kinds[fuzz_u8(in) % sizeof(kinds)]);
        for (size_t i = 0; i < len; i++) {
                unsigned char b = fuzz_u8(in);
                /* BEL and ESC \ end a string; a terminal's report holds
                 * neither before its end. */
                put(r, b == 0x07 || b == 0x1b ? 'a' : b);
        }
        if (fuzz_u8(in) & 1) {
                put(r, 0x07);
        } else {
                put(r, 0x1b);
                put(r, '\\');
        }
}

static void build_report(struct report *r, struct fuzz_input *in)
{
        r->len = 0;
        switch (fuzz_u8(in) % 4) {
        case 0:
                control_sequence(r, in);
                break;
        case 1:
                string(r, in);
                break;
        case 2:
                /* SS3: application cursor keys and keypad, F1-F4. */
                put(r, 0x1b);
                put(r, 'O');
                put(r, in_range(in, 0x20, 0x7e));
                break;
        default: {
                /* ESC, intermediates, a final byte: Alt+key, S7C1T, ... */
                static const char not_final[] = "[]PX^_NO";
                put(r, 0x1b);
                size_t n = fuzz_u8(in) % 3;
                for (size_t i = 0; i < n; i++)
                        put(r, in_range(in, 0x20, 0x2f));
                unsigned char final = in_range(in, 0x30, 0x7e);
                if (n == 0 && strchr(not_final, final))
                        final = 'a';
                put(r, final);
                break;
        }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct fuzz_input in = {data, size};
        struct term_input parser;
        struct report report;

        term_input_init(&parser);
        size_t prefix = fuzz_u8(&in);
        for (size_t i = 0; i < prefix && in.left; i++) {
                int key = term_input_feed(&parser, fuzz_u8(&in));
                FUZZ_CHECK(key >= -1 && key < 128 && key != 0x1b);
        }
        if (term_input_pending(&parser)) {
                int key = term_input_timeout(&parser);
                FUZZ_CHECK(key == -1 || key == 0x1b);
        }
        FUZZ_CHECK(!term_input_pending(&parser));

        while (in.left) {
                build_report(&report, &in);
                for (size_t i = 0; i < report.len; i++)
                        FUZZ_CHECK(term_input_feed(&parser, report.bytes[i]) == -1);
                FUZZ_CHECK(!term_input_pending(&parser));
                /* A key typed after the report is that key. */
                unsigned char typed = fuzz_u8(&in) & 0x7f;
                if (typed == 0x1b)
                        typed = 'a';
                FUZZ_CHECK(term_input_feed(&parser, typed) == typed);
        }
        return 0;
}
