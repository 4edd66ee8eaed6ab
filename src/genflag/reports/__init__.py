"""Producer reports (html, csv, json, markdown) and credits; kept tiny because plugin scanning imports it."""
