/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Telling the keys a person types from the escape sequences a terminal
 * sends, in the bytes read from a terminal, so that a prompt answers to
 * keys only.
 *
 * The threat: a supervised command can make the terminal write to its
 * own input. A device status request gets back "ESC [ row ; col R", a
 * title query "ESC ] l TITLE ESC \" with a title the command chose, a
 * version query "ESC P > | tmux 3.3a ESC \"; mouse reports put raw
 * coordinates after "ESC [ M", and an arrow key sends "ESC [ A" or
 * "ESC O A". Taken byte by byte, each of these holds letters a prompt
 * would read as answers ('a' allow, 'A' allow for the session). This
 * parser swallows every whole sequence and reports a key only for a byte
 * typed on its own, outside any sequence.
 *
 * When in doubt it swallows: an unknown or malformed sequence runs until
 * the terminator its introducer calls for, and only two things end one
 * early: an ESC inside a control sequence (a new sequence starts), and
 * term_input_timeout() after the input went quiet (a sequence a terminal
 * sends arrives in one piece; one that stops half-way was cut, by
 * tcflush() say). Strings (OSC, DCS, SOS, PM, APC) end only at BEL or
 * ESC '\': not at CAN or SUB, and not at an 8-bit ST, which in UTF-8 text
 * is a continuation byte (U+015C is C5 9C). Introducers are recognised in
 * 7-bit form, as 8-bit C1 bytes, and as C1 characters encoded in UTF-8
 * (C2 9B). A bracketed paste (ESC [ 200 ~ ... ESC [ 201 ~) is swallowed
 * whole, and so is the three-byte payload of an X10 mouse report.
 *
 * The parser has no buffer and never allocates; it is fed every byte the
 * terminal sends, also while no prompt is shown, so that a sequence begun
 * before a prompt appeared is not mistaken for keys after.
 */

#include <stdbool.h>
#include <stdint.h>

/* How long input must stay quiet before a sequence left open is given up
 * (and a lone ESC taken as the Esc key): long enough that a terminal's
 * report arrives whole, even through ssh; Esc only goes back a step. */
#define TERM_INPUT_TIMEOUT_MS 500

struct term_input {
        uint8_t state;
        uint8_t count;   /* bytes still to swallow (mouse), or matched (paste end) */
        uint8_t utf8;    /* continuation bytes still expected */
        bool csi_other;  /* the control sequence has more than digits */
        bool csi_digits; /* it has at least one digit */
        uint32_t csi_number;
        uint32_t code_point;
};

void term_input_init(struct term_input *in);

/*
 * Feeds the next byte. Returns the byte (0..127) when it is a key typed
 * on its own, or -1 when it belongs to an escape sequence, a terminal's
 * report, a bracketed paste or a character beyond ASCII (no answer key
 * is one).
 */
int term_input_feed(struct term_input *in, unsigned char byte);

/* Whether the bytes fed so far end inside a sequence: the reader then
 * calls term_input_timeout() if no byte follows within
 * TERM_INPUT_TIMEOUT_MS. */
bool term_input_pending(const struct term_input *in);

/* Input stayed quiet while a sequence was open: gives it up. Returns 27
 * (the Esc key) when all there was of it was a lone ESC, else -1. */
int term_input_timeout(struct term_input *in);
