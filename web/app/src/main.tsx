import { render } from "preact";
import "./styles.css";
import { Router } from "./router";

const root = document.getElementById("app");
if (root) render(<Router />, root);
