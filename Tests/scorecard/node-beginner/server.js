const express = require("express");
const greet = require("greet");

const app = express();
app.get("/", (req, res) => res.send(greet(process.env.NAME || "world")));
app.listen(process.env.PORT || 3000);
