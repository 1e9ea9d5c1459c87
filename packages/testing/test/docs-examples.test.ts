/**
 * Runs the examples of docs/testing.md: importing the module registers its tests.
 */
import "../../../docs/examples/testing.js"
