/* SPDX-License-Identifier: MIT */
/* client/term_input.c: telling typed keys from a terminal's escape sequences. */
/*
 * A state machine in the manner of the DEC VT500 parser (as Paul
 * Williams describes it), turned towards input and towards swallowing:
 * a terminal emulator must execute what it is sent, we only need to know
 * where each sequence ends.
 */
#include "term_input.h"

#include <string.h>

enum state {
        GROUND,
        UTF8,         /* inside a multi-byte character */
        ESCAPE,       /* after ESC */
        ESCAPE_INTER, /* ESC, then intermediates (0x20-0x2f) */
        CSI,          /* ESC [: parameters, intermediates, then a final byte */
        SINGLE_SHIFT, /* ESC O or ESC N: one byte follows (SS3 keys: ESC O A) */
        STRING,       /* OSC, DCS, SOS, PM, APC: until BEL or ESC \ */
        STRING_ESC,   /* an ESC inside a string */
        MOUSE,        /* the three bytes of an X10 mouse report, after ESC [ M */
        PASTE,        /* a bracketed paste, until ESC [ 201 ~ */
};

#define ESC 0x1b
#define BEL 0x07

static const char paste_end[] = "\033[201~";

void term_input_init(struct term_input *in)
{
        memset(in, 0, sizeof(*in));
        in->state = GROUND;
}

static void enter(struct term_input *in, enum state state)
{
        in->state = (uint8_t)state;
        in->count = 0;
        if (state == CSI) {
                in->csi_other = false;
                in->csi_digits = false;
                in->csi_number = 0;
        }
}

/* A C1 control, whether a raw 8-bit byte or a UTF-8 encoded character:
 * the introducers start their sequence, anything else is swallowed. */
static void c1_control(struct term_input *in, uint32_t c)
{
        switch (c) {
        case 0x9b: /* CSI */
                enter(in, CSI);
                break;
        case 0x90: /* DCS */
        case 0x98: /* SOS */
        case 0x9d: /* OSC */
        case 0x9e: /* PM */
        case 0x9f: /* APC */
                enter(in, STRING);
                break;
        case 0x8e: /* SS2 */
        case 0x8f: /* SS3 */
                enter(in, SINGLE_SHIFT);
                break;
        default:
                enter(in, GROUND);
                break;
        }
}

/* A byte in the ground state: a key, or the start of something longer. */
static int ground(struct term_input *in, unsigned char b)
{
        if (b == ESC) {
                enter(in, ESCAPE);
                return -1;
        }
        if (b < 0x80)
                return b;
        if (b < 0xa0) {
                /* Not UTF-8 (there it is only ever a continuation byte):
                 * an 8-bit C1 control, as after ESC SP G. */
                c1_control(in, b);
                return -1;
        }
        if (b >= 0xc2 && b <= 0xdf) {
                in->utf8 = 1;
                in->code_point = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
                in->utf8 = 2;
                in->code_point = b & 0x0f;
        } else if (b >= 0xf0 && b <= 0xf4) {
                in->utf8 = 3;
                in->code_point = b & 0x07;
        } else {
                return -1; /* a stray continuation byte, or one UTF-8 never uses */
        }
        enter(in, UTF8);
        return -1;
}

static void csi_byte(struct term_input *in, unsigned char b)
{
        if (b >= '0' && b <= '9') {
                in->csi_digits = true;
                if (in->csi_number < 100000)
                        in->csi_number = in->csi_number * 10 + (uint32_t)(b - '0');
                return;
        }
        if (b >= 0x20 && b <= 0x3f) {
                in->csi_other = true; /* ';', a private marker, an intermediate */
                return;
        }
        if (b < 0x40 || b > 0x7e)
                return; /* C0 or 8-bit bytes no report contains: swallowed */
        /* The final byte. */
        bool plain = !in->csi_digits && !in->csi_other;
        bool number_only = in->csi_digits && !in->csi_other;
        if (b == 'M' && plain) {
                /* X10 mouse: three raw bytes follow, which may be letters. */
                enter(in, MOUSE);
                in->count = 3;
        } else if (b == '~' && number_only && in->csi_number == 200) {
                enter(in, PASTE);
        } else {
                enter(in, GROUND);
        }
}

int term_input_feed(struct term_input *in, unsigned char b)
{
        switch ((enum state)in->state) {
        case GROUND:
                return ground(in, b);
        case UTF8:
                if ((b & 0xc0) != 0x80) {
                        /* The character was cut short; the byte starts afresh. */
                        enter(in, GROUND);
                        return ground(in, b);
                }
                in->code_point = in->code_point << 6 | (b & 0x3f);
                if (--in->utf8 == 0) {
                        if (in->code_point >= 0x80 && in->code_point <= 0x9f)
                                c1_control(in, in->code_point);
                        else
                                enter(in, GROUND);
                }
                return -1;
        case ESCAPE:
                switch (b) {
                case '[':
                        enter(in, CSI);
                        break;
                case ']':
                case 'P':
                case 'X':
                case '^':
                case '_':
                        enter(in, STRING);
                        break;
                case 'N':
                case 'O':
                        enter(in, SINGLE_SHIFT);
                        break;
                case ESC:
                        /* ESC ESC [ A is Alt+Up: still one sequence. */
                        break;
                default:
                        if (b >= 0x20 && b <= 0x2f) {
                                enter(in, ESCAPE_INTER);
                        } else {
                                /* ESC x is Alt+x, not x. Alt with a byte
                                 * beyond ASCII starts a character (or a C1
                                 * control), which ground() follows. */
                                enter(in, GROUND);
                                if (b >= 0x80)
                                        (void)ground(in, b);
                        }
                        break;
                }
                return -1;
        case ESCAPE_INTER:
                if (b == ESC)
                        enter(in, ESCAPE);
                else if (b >= 0x30 && b <= 0x7e)
                        enter(in, GROUND);
                return -1;
        case CSI:
                if (b == ESC)
                        enter(in, ESCAPE);
                else
                        csi_byte(in, b);
                return -1;
        case SINGLE_SHIFT:
                if (b == ESC)
                        enter(in, ESCAPE);
                else
                        enter(in, GROUND);
                return -1;
        case STRING:
                if (b == BEL)
                        enter(in, GROUND);
                else if (b == ESC)
                        enter(in, STRING_ESC);
                return -1;
        case STRING_ESC:
                /* Only ESC \ ends a string; anything else is more of it. */
                if (b == '\\')
                        enter(in, GROUND);
                else if (b != ESC)
                        enter(in, STRING);
                return -1;
        case MOUSE:
                if (--in->count == 0)
                        enter(in, GROUND);
                return -1;
        case PASTE:
                if (b == (unsigned char)paste_end[in->count]) {
                        if (++in->count == sizeof(paste_end) - 1)
                                enter(in, GROUND);
                } else {
                        in->count = b == ESC ? 1 : 0;
                }
                return -1;
        }
        enter(in, GROUND);
        return -1;
}

bool term_input_pending(const struct term_input *in)
{
        return in->state != GROUND;
}

int term_input_timeout(struct term_input *in)
{
        bool lone_escape = in->state == ESCAPE;
        enter(in, GROUND);
        return lone_escape ? ESC : -1;
}
