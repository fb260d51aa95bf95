// Types of bench/queries.mjs, for the gateway tests that ask the bench's questions.
export declare const BOARD_QUERY: string;
export declare const PERSON_QUERY: string;
